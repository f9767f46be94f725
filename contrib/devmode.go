package contrib

import (
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"strings"

	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/internal/core"
	"github.com/gin-gonic/gin"
)

// DevProviderEnv is the environment variable of development mode: set to
// the origin of a development provider (cmd/dance-provider), for example
// "http://127.0.0.1:9000", it points every preset's endpoints, base URL,
// issuer and JWKS at the stand-in for that preset there, under
// /{name}/ with the provider's own paths. A development provider lets
// anyone sign in as anyone, so presets refuse it when Gin runs in release
// mode, and each preset logs a warning when it is built with it. A preset
// without credentials then uses placeholder ones, which the development
// provider accepts.
const DevProviderEnv = "DANCE_DEV_PROVIDER"

// The credentials a preset uses in development mode when none are
// configured: the development provider accepts any.
const (
	devClientID     = "dance-dev-client"
	devClientSecret = "dance-dev-secret"
)

// devProvider returns the development provider's origin, or "" outside
// development mode; it refuses development mode in Gin's release mode.
func devProvider(name string, o dance.Options) (string, error) {
	dev := os.Getenv(DevProviderEnv)
	if dev == "" {
		return "", nil
	}
	if gin.Mode() == gin.ReleaseMode {
		return "", fmt.Errorf("dance: %s: %s is set but Gin runs in release mode; a development provider lets anyone sign in as anyone, so a release build refuses it: unset %s, or run in debug mode (GIN_MODE=debug)", name, DevProviderEnv, DevProviderEnv)
	}
	u, err := url.Parse(dev)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("dance: %s: %s=%q is not an http(s) origin such as http://127.0.0.1:9000", name, DevProviderEnv, dev)
	}
	dev = strings.TrimSuffix(dev, "/")
	log := o.Logger
	if log == nil {
		log = slog.Default()
	}
	log.Warn("dance: development mode: this provider is a stand-in on which anyone can sign in as anyone", "provider", name, "dev_provider", dev)
	return dev, nil
}

// devURLs points every absolute URL in urls at the stand-in of the
// preset name on dev.
func devURLs(dev, name string, urls ...*string) {
	for _, u := range urls {
		*u = core.DevURL(dev, name, *u)
	}
}
