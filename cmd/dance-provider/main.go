// Command dance-provider serves a development provider: on one port, a
// stand-in for every contrib preset (GitHub, Google, GitLab, Twitter,
// JIRA, …) that speaks like the real one, under /{name}/ with the
// provider's own paths, JSON shapes, ID tokens and OAuth 1 signatures,
// and a sign-in page on which you pick who to be. Point an app at it with
// DANCE_DEV_PROVIDER:
//
//	go run github.com/gin-dance/dance/cmd/dance-provider &
//	DANCE_DEV_PROVIDER=http://127.0.0.1:9000 go run ./yourapp
//
// Anyone can sign in as anyone on it: it is for development only, and
// apps refuse it in Gin's release mode.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/gin-dance/dance/contrib"
	"github.com/gin-dance/dance/dancetest"
	"github.com/gin-dance/dance/internal/devprovider"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "dance-provider:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	fs := flag.NewFlagSet("dance-provider", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:9000", "address to listen on")
	public := fs.String("url", "", "the provider's origin as apps reach it (default http://ADDR)")
	personas := fs.String("personas", "", "personas to sign in as: a JSON file, or inline JSON, of [{\"login\":…,\"name\":…,\"email\":…,\"verified\":true}]")
	clientID := fs.String("client-id", "", "accept only this client ID (default: any)")
	clientSecret := fs.String("client-secret", "", "accept only this client secret, with -client-id")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if (*clientID == "") != (*clientSecret == "") {
		return errors.New("-client-id and -client-secret go together")
	}
	who, err := loadPersonas(*personas)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	origin := *public
	if origin == "" {
		origin = "http://" + ln.Addr().String()
	}
	// The provider describes the presets as they are, not as pointed at
	// a development provider.
	os.Unsetenv(contrib.DevProviderEnv)
	dp, err := devprovider.New(devprovider.Config{URL: origin, Personas: who, ClientID: *clientID, ClientSecret: *clientSecret})
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: dp, ReadHeaderTimeout: 10 * time.Second}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
	}()
	slog.Info("dance-provider: serving a stand-in for every preset; anyone can sign in as anyone", "url", origin, "personas", len(who))
	fmt.Printf("DANCE_DEV_PROVIDER=%s\n", origin)
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// loadPersonas reads the -personas flag: empty for the defaults, inline
// JSON, or the name of a JSON file.
func loadPersonas(v string) ([]dancetest.Persona, error) {
	if v == "" {
		return devprovider.DefaultPersonas, nil
	}
	b := []byte(v)
	if !strings.HasPrefix(strings.TrimSpace(v), "[") {
		var err error
		if b, err = os.ReadFile(v); err != nil {
			return nil, err
		}
	}
	var who []dancetest.Persona
	if err := json.Unmarshal(b, &who); err != nil {
		return nil, fmt.Errorf("-personas: %w", err)
	}
	if len(who) == 0 {
		return nil, errors.New("-personas: no persona")
	}
	for i, p := range who {
		if p.Login == "" {
			return nil, fmt.Errorf("-personas: persona %d has no login", i)
		}
	}
	return who, nil
}
