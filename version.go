package dance

// Version is dance's version. Presets that must send a non-generic
// User-Agent (Reddit, Strava) default to "dance/" + Version.
const Version = "0.1.0"
