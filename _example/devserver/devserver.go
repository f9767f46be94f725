// Package devserver is what the examples share to start on a local port:
// a quiet Gin, a first line that says where to go, and a line per
// provider that says whether it is the real one or dance's fake.
package devserver

import (
	"fmt"
	"github.com/gin-dance/dance/contrib"
	"net"
	"net/http"
	"os"

	"github.com/gin-gonic/gin"
)

// Quiet puts Gin in release mode, without its debug banner and route
// list, unless the user chose a mode with GIN_MODE. With DANCE_DEV_PROVIDER
// set, which release mode refuses, it stays in debug mode and only
// silences the banner. Call it before building the router.
func Quiet() {
	if os.Getenv("GIN_MODE") != "" {
		return
	}
	if os.Getenv(contrib.DevProviderEnv) == "" {
		gin.SetMode(gin.ReleaseMode)
		return
	}
	// The development provider is refused in release mode: stay in
	// debug mode, without its banner and route list.
	gin.DebugPrintFunc = func(string, ...any) {}
	gin.DebugPrintRouteFunc = func(string, string, string, int) {}
}

// Listen listens on port on every interface ("0" picks a free one) and
// returns the listener and the URL to open, http://localhost:PORT/.
func Listen(port string) (net.Listener, string, error) {
	l, err := net.Listen("tcp", ":"+port)
	if err != nil {
		return nil, "", err
	}
	return l, fmt.Sprintf("http://localhost:%d/", l.Addr().(*net.TCPAddr).Port), nil
}

// Serve listens on port, prints "open http://localhost:PORT/" as the first
// line of standard output and then each of the lines (see [Using]), and
// serves h until it fails.
func Serve(port string, h http.Handler, lines ...string) error {
	l, url, err := Listen(port)
	if err != nil {
		return err
	}
	fmt.Println("open " + url)
	for _, s := range lines {
		fmt.Println(s)
	}
	return http.Serve(l, h)
}

// Using is the line that says which provider name is: the fake at fakeURL,
// or, when fakeURL is "", the development provider when DANCE_DEV_PROVIDER
// is set, else the real one, whose client ID is in env.
func Using(name, env, fakeURL string) string {
	if dev := os.Getenv(contrib.DevProviderEnv); dev != "" && fakeURL == "" {
		return fmt.Sprintf("%s: the development provider at %s (%s)", name, dev, contrib.DevProviderEnv)
	}
	if fakeURL == "" {
		return fmt.Sprintf("%s: the real %s (client ID from %s)", name, name, env)
	}
	return fmt.Sprintf("%s: dance's fake provider at %s (set %s and its secret to use the real %s)", name, fakeURL, env, name)
}
