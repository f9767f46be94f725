package contrib

import (
	"fmt"
	"log/slog"
	"net/netip"
	"net/url"
	"strings"
	"sync"

	"github.com/gin-dance/dance/internal/presets"
)

// DevProvider is development mode, which only the application's code can
// turn on: set it on a preset's Config (its Endpoints.Dev or
// OAuth1Endpoints.Dev), and the preset sends every login and API call to
// the stand-in for that preset on a development provider
// (cmd/dance-provider), on which anyone can sign in as anyone. Nothing
// else turns it on: no environment variable, no Gin mode.
//
// Share one DevProvider between the presets of an app: it logs one
// warning, when the first preset is built with it, that logins are fake.
// A preset in development mode never sends its own credentials (the
// Config's or its environment variables'): the development provider gets
// ClientID and ClientSecret, placeholders by default. A development
// provider that is not on a loopback address is refused unless
// AllowRemote says otherwise.
//
// Turn it on from something a reviewer sees, such as a command-line flag:
//
//	dev := flag.String("dev-provider", "", "send logins to the development provider at this origin")
//	flag.Parse()
//	cfg := contrib.GitHubConfig{}
//	if *dev != "" {
//		cfg.Dev = &contrib.DevProvider{URL: *dev}
//	}
type DevProvider struct {
	// URL is the development provider's origin, for example
	// "http://127.0.0.1:9000". Required.
	URL string
	// AllowRemote accepts a development provider whose host is not a
	// loopback address (127.0.0.0/8, ::1 or "localhost"), for example one
	// shared by a team on a private network. Default false: such a
	// provider is refused, so that a development configuration that
	// reaches a server cannot send its logins to another machine.
	AllowRemote bool
	// ClientID and ClientSecret are what presets send to the development
	// provider (its -client-id and -client-secret flags). Default
	// "dance-dev-client" and "dance-dev-secret", which it accepts when
	// started without those flags. Never put real credentials here.
	ClientID, ClientSecret string
	// Logger receives the warning that development mode is on. Default
	// slog.Default().
	Logger *slog.Logger

	warn sync.Once
}

// The credentials that presets send to a development provider by default.
const (
	devClientID     = "dance-dev-client"
	devClientSecret = "dance-dev-secret"
)

// origin checks the development provider's URL for the preset name and
// returns it without a trailing slash; it logs, once per DevProvider, that
// development mode is on.
func (d *DevProvider) origin(name string) (string, error) {
	u, err := url.Parse(d.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil {
		return "", fmt.Errorf("dance: %s: DevProvider.URL %q is not an http(s) origin such as http://127.0.0.1:9000", name, d.URL)
	}
	if !d.AllowRemote && !loopback(u.Hostname()) {
		return "", fmt.Errorf("dance: %s: the development provider %s is not on a loopback address; anyone can sign in as anyone on it, so it is refused: run it on 127.0.0.1, or set DevProvider.AllowRemote if you mean to use a remote one", name, u.Host)
	}
	origin := strings.TrimSuffix(d.URL, "/")
	d.warn.Do(func() {
		log := d.Logger
		if log == nil {
			log = slog.Default()
		}
		log.Warn("dance: DEVELOPMENT MODE: logins go to the development provider, on which anyone can sign in as anyone; never run this in production",
			"dev_provider", origin)
	})
	return origin, nil
}

// credentials returns what a preset in development mode sends as its
// client ID and secret: never the preset's own.
func (d *DevProvider) credentials() (id, secret string) {
	return or(d.ClientID, devClientID), or(d.ClientSecret, devClientSecret)
}

// loopback reports whether host is a loopback IP address or "localhost".
// Other names are not resolved: what a name resolves to can change.
func loopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	host, _, _ = strings.Cut(host, "%") // an IPv6 zone
	a, err := netip.ParseAddr(host)
	return err == nil && a.IsLoopback()
}

// devURLs points every absolute URL in urls at the stand-in of the
// preset name on the development provider at origin.
func devURLs(origin, name string, urls ...*string) {
	for _, u := range urls {
		*u = presets.DevURL(origin, name, *u)
	}
}
