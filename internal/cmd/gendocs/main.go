// Command gendocs writes the generated parts of the user guide in docs/:
// the providers chapter (docs/providers.md), read from the contrib
// presets themselves, and the snippets that other chapters quote from the
// _example apps. Run it through go generate in docs/:
//
//	go generate ./docs
//
// The providers chapter comes from three sources, so that it cannot drift
// from the code. The Config types and their doc comments (provider
// documentation link, options, environment variables, profile notes) are
// parsed from contrib/*.go with go/ast. The behaviour (blueprint name,
// default scopes, endpoints, base URL, refresh, the parameters the login
// redirect always carries, the identity and revocation calls, the header
// that carries the token) is read by building each preset and driving it,
// as an app would (a login, its callback, an expired token, API calls and
// a revocation), against a recording HTTP client that never leaves the
// process. The Flask-Dance counterparts (each preset's make_*_blueprint
// and the argument each option stands for) are the table in
// flaskdance.go, which must cover every option.
//
// With -providers FILE it writes only the providers chapter, to FILE; CI
// compares that with the committed docs/providers.md. With -check it
// changes nothing and exits 1 when a generated file or snippet is stale.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
)

func main() {
	log.SetFlags(0)
	log.SetPrefix("gendocs: ")
	root := flag.String("root", ".", "the repository root")
	only := flag.String("providers", "", "write only the providers chapter, to this file")
	check := flag.Bool("check", false, "change nothing; exit 1 if a generated part is stale")
	flag.Parse()

	providers, err := Providers(filepath.Join(*root, "contrib"))
	if err != nil {
		log.Fatal(err)
	}
	if *only != "" {
		if err := os.WriteFile(*only, providers, 0o644); err != nil {
			log.Fatal(err)
		}
		return
	}
	docs := filepath.Join(*root, "docs")
	stale := false
	write := func(path string, want []byte) {
		got, err := os.ReadFile(path)
		if err == nil && bytes.Equal(got, want) {
			return
		}
		if *check {
			fmt.Fprintf(os.Stderr, "gendocs: %s is stale; run go generate ./docs\n", path)
			stale = true
			return
		}
		if err := os.WriteFile(path, want, 0o644); err != nil {
			log.Fatal(err)
		}
	}
	write(filepath.Join(docs, "providers.md"), providers)

	chapters, err := filepath.Glob(filepath.Join(docs, "*.md"))
	if err != nil {
		log.Fatal(err)
	}
	for _, path := range chapters {
		text, err := os.ReadFile(path)
		if err != nil {
			log.Fatal(err)
		}
		out, err := FillSnippets(*root, text)
		if err != nil {
			log.Fatalf("%s: %v", path, err)
		}
		write(path, out)
	}
	if stale {
		os.Exit(1)
	}
}
