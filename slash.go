package dance

import (
	"net/url"
	"strings"
)

// warnLeadingSlash logs, once per blueprint, that ref starts with "/" and
// so drops the path of a BaseURL that has one: under RFC 3986, "/user"
// against https://gitlab.com/api/v4/ is https://gitlab.com/user, while
// "user" is https://gitlab.com/api/v4/user. The call still goes where
// the reference says (it may be meant), but the mistake no longer hides.
// Only paths are logged, never the query (it may hold a secret).
func (bp *Blueprint) warnLeadingSlash(ref *url.URL) {
	if ref.IsAbs() || ref.Host != "" || !strings.HasPrefix(ref.Path, "/") {
		return
	}
	if base := strings.TrimSuffix(bp.base.Path, "/"); base == "" || strings.HasPrefix(ref.Path, base+"/") {
		return
	}
	bp.slashWarned.Do(func() {
		bp.log.Warn("dance: an API reference that starts with \"/\" drops the base URL's path; write it without the leading slash",
			"provider", bp.name, "ref", ref.Path, "base_path", bp.base.Path,
			"resolves_to", bp.base.ResolveReference(&url.URL{Path: ref.Path}).Path)
	})
}
