// Package devserver is what the examples share to start on a local port:
// a quiet Gin, the -dev-provider flag, a first line that says where to go,
// and a line per provider that says whether it is the real one or a fake.
package devserver

import (
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"

	"github.com/gin-dance/dance/contrib"
	"github.com/gin-gonic/gin"
)

// Quiet puts Gin in release mode, without its debug banner and route
// list, unless the user chose a mode with GIN_MODE. Call it before
// building the router.
func Quiet() {
	if os.Getenv("GIN_MODE") == "" {
		gin.SetMode(gin.ReleaseMode)
	}
}

// DevProvider parses the command line and returns development mode when
// the -dev-provider flag names a development provider
// (go run ./cmd/dance-provider), else nil. This flag, in the example's
// own code, is the only thing that turns development mode on: an
// environment variable cannot.
func DevProvider() *contrib.DevProvider {
	url := flag.String("dev-provider", "", "development mode: send logins to the development provider at this origin, for example http://127.0.0.1:9000 (go run ./cmd/dance-provider)")
	flag.Parse()
	if *url == "" {
		return nil
	}
	return &contrib.DevProvider{URL: *url}
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

// Using is the line that says which provider name is: the development
// provider when dev is set, else the fake at fakeURL, or, when fakeURL is
// "", the real one, whose client ID is in env.
func Using(name, env, fakeURL string, dev *contrib.DevProvider) string {
	switch {
	case dev != nil:
		return fmt.Sprintf("%s: the development provider at %s (-dev-provider)", name, dev.URL)
	case fakeURL == "":
		return fmt.Sprintf("%s: the real %s (client ID from %s)", name, name, env)
	}
	return fmt.Sprintf("%s: dance's fake provider at %s (set %s and its secret to use the real %s)", name, fakeURL, env, name)
}
