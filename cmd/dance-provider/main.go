// Command dance-provider serves a development provider: on one port, a
// stand-in for every contrib preset (GitHub, Google, GitLab, Twitter,
// JIRA, …) that speaks like the real one, under /{name}/ with the
// provider's own paths, JSON shapes, ID tokens and OAuth 1 signatures,
// and a sign-in page on which you pick who to be.
//
//	go run github.com/gin-dance/dance/cmd/dance-provider    # http://127.0.0.1:9000
//
// An app uses it only when its own code turns development mode on, with a
// contrib.DevProvider on its presets' Config (the examples do it with
// their -dev-provider flag):
//
//	go run ./_example/quickstart -dev-provider http://127.0.0.1:9000
//
// Anyone can sign in as anyone on it: it is for development only. It
// listens on 127.0.0.1 unless -addr says otherwise, and apps refuse a
// development provider that is not on a loopback address unless their
// code allows it (contrib.DevProvider.AllowRemote).
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
	backChannel := fs.String("backchannel-logout", "", "the app's back-channel logout URL, {name} for the preset (for example http://127.0.0.1:8080/login/{name}/backchannel-logout): visiting /{name}/end_session sends a logout token there")
	clientKey := fs.String("client-key", "", "a public key file (PEM or JWK) that verifies private_key_jwt client assertions")
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
	var key any
	if *clientKey != "" {
		if key, err = devprovider.ReadPublicKey(*clientKey); err != nil {
			return err
		}
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	origin := *public
	if origin == "" {
		origin = "http://" + ln.Addr().String()
	}
	dp, err := devprovider.New(devprovider.Config{URL: origin, Personas: who, ClientID: *clientID, ClientSecret: *clientSecret, ClientKey: key, BackChannelLogoutURL: *backChannel})
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
	if ip, ok := ln.Addr().(*net.TCPAddr); ok && !ip.IP.IsLoopback() {
		slog.Warn("dance-provider: listening on a non-loopback address: anyone who reaches it can sign in as anyone, and apps refuse it unless their code sets contrib.DevProvider.AllowRemote", "addr", ln.Addr().String())
	}
	slog.Info("dance-provider: serving a stand-in for every preset; anyone can sign in as anyone", "url", origin, "personas", len(who))
	fmt.Printf("dance-provider: %s (run your app with -dev-provider %s)\n", origin, origin)
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
