package main

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"go/ast"
	"go/doc/comment"
	"go/format"
	"go/parser"
	"go/token"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/gin-dance/dance/internal/presets/constructors"

	"github.com/gin-contrib/sessions"
	"github.com/gin-contrib/sessions/cookie"
	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/internal/presets"
	"github.com/gin-dance/dance/storage"
	"github.com/gin-gonic/gin"
)

const contribPath = "github.com/gin-dance/dance/contrib"

// Placeholders that stand for the app's credentials in the chapter.
const (
	placeholderID     = "CLIENT_ID"
	placeholderSecret = "CLIENT_SECRET"
	placeholderToken  = "ACCESS_TOKEN"
)

// field is one option of a preset's Config.
type field struct {
	Name, Type, Doc string
}

// configDoc is a preset's Config type as parsed from its source.
type configDoc struct {
	Doc      string
	Fields   []field
	Embedded []string
}

// funcDoc is a preset's constructor as parsed from its source.
type funcDoc struct {
	Name, Config, Doc string
}

// source is what go/ast finds in contrib/*.go.
type source struct {
	configs map[string]*configDoc
	funcs   map[string]*funcDoc
	symbols map[string]bool // every top-level name, for doc links
}

func parseContrib(dir string) (*source, error) {
	names, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		return nil, err
	}
	src := &source{configs: map[string]*configDoc{}, funcs: map[string]*funcDoc{}, symbols: map[string]bool{}}
	fset := token.NewFileSet()
	for _, name := range names {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, parser.ParseComments)
		if err != nil {
			return nil, err
		}
		for _, d := range f.Decls {
			switch d := d.(type) {
			case *ast.FuncDecl:
				src.symbols[d.Name.Name] = true
				if fn := presetFunc(d); fn != nil {
					src.funcs[fn.Name] = fn
				}
			case *ast.GenDecl:
				for _, s := range d.Specs {
					switch s := s.(type) {
					case *ast.TypeSpec:
						src.symbols[s.Name.Name] = true
						if st, ok := s.Type.(*ast.StructType); ok && strings.HasSuffix(s.Name.Name, "Config") {
							src.configs[s.Name.Name] = parseConfig(fset, d.Doc.Text(), st)
						}
					case *ast.ValueSpec:
						for _, n := range s.Names {
							src.symbols[n.Name] = true
						}
					}
				}
			}
		}
	}
	return src, nil
}

// presetFunc recognises func X(cfg XConfig) (*dance.Blueprint, error).
func presetFunc(d *ast.FuncDecl) *funcDoc {
	if d.Recv != nil || !d.Name.IsExported() || len(d.Type.Params.List) != 1 || d.Type.Results == nil || len(d.Type.Results.List) != 2 {
		return nil
	}
	id, ok := d.Type.Params.List[0].Type.(*ast.Ident)
	if !ok || !strings.HasSuffix(id.Name, "Config") {
		return nil
	}
	star, ok := d.Type.Results.List[0].Type.(*ast.StarExpr)
	if !ok {
		return nil
	}
	if sel, ok := star.X.(*ast.SelectorExpr); !ok || sel.Sel.Name != "Blueprint" {
		return nil
	}
	return &funcDoc{Name: d.Name.Name, Config: id.Name, Doc: d.Doc.Text()}
}

func parseConfig(fset *token.FileSet, doc string, st *ast.StructType) *configDoc {
	cd := &configDoc{Doc: doc}
	for _, f := range st.Fields.List {
		var typ bytes.Buffer
		_ = format.Node(&typ, fset, f.Type)
		if len(f.Names) == 0 {
			cd.Embedded = append(cd.Embedded, typ.String())
			continue
		}
		for _, n := range f.Names {
			cd.Fields = append(cd.Fields, field{Name: n.Name, Type: typ.String(), Doc: f.Doc.Text()})
		}
	}
	return cd
}

// preset is everything the chapter says about one preset.
type preset struct {
	Display, Func, Config string
	Src                   *configDoc
	FuncDoc               string

	Name           string
	OAuth1         bool
	Signature      string
	Scopes         []string
	AuthURL        string
	TokenURL       string
	RequestToken   string
	AuthInBody     bool
	RefreshURL     string
	BaseURL        string
	BaseRequired   bool
	Instance       []string          // Config fields naming the instance, required
	Examples       map[string]string // their example values, which the URLs are made of
	LoginParams    []string
	TokenCarrier   []string
	Profile        string
	Revoke         string
	Env            []string
	FlaskDance     string            // the make_*_blueprint function
	FlaskArgs      map[string]string // option field → Flask-Dance argument
	ProviderDocURL string
}

// recorder is an HTTP transport that records the requests it is given and
// answers none, except with answer when that is set (OAuth 1's request
// token): the generator never leaves the process.
type recorder struct {
	mu     sync.Mutex
	reqs   []*recorded
	answer string
}

// recorded is one request that the recorder was given.
type recorded struct {
	Method string
	URL    *url.URL
	Header http.Header
	Form   url.Values // the body, read as a form
}

var errRecorded = errors.New("gendocs: recorded, not sent")

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	rec := &recorded{Method: req.Method, URL: req.URL, Header: req.Header.Clone()}
	if req.Body != nil {
		b, _ := io.ReadAll(req.Body)
		req.Body.Close()
		rec.Form = formOf(req.Header.Get("Content-Type"), b)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.reqs = append(r.reqs, rec)
	if r.answer == "" {
		return nil, errRecorded
	}
	return &http.Response{
		StatusCode: http.StatusOK,
		Header:     http.Header{"Content-Type": {"application/x-www-form-urlencoded"}},
		Body:       io.NopCloser(strings.NewReader(r.answer)),
		Request:    req,
	}, nil
}

// formOf reads a request body as a form: a JSON object's string fields
// for a JSON body (Notion's token requests), else the urlencoded form.
func formOf(contentType string, body []byte) url.Values {
	form := url.Values{}
	if strings.HasPrefix(contentType, "application/json") {
		var obj map[string]any
		if json.Unmarshal(body, &obj) == nil {
			for k, v := range obj {
				if s, ok := v.(string); ok {
					form.Set(k, s)
				}
			}
		}
		return form
	}
	form, _ = url.ParseQuery(string(body))
	return form
}

// start forgets what was recorded, and answers the next requests with
// answer ("" for none).
func (r *recorder) start(answer string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.reqs, r.answer = nil, answer
}

// first returns the first request recorded since start, or nil.
func (r *recorder) first() *recorded {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.reqs) == 0 {
		return nil
	}
	return r.reqs[0]
}

var (
	envRE        = regexp.MustCompile(`\b[A-Z][A-Z0-9]*_OAUTH_[A-Z_]+\b`)
	urlRE        = regexp.MustCompile(`https://\S+[^.,;:)\s]`)
	displayRE    = regexp.MustCompile(`configures the (.+?) preset`)
	flaskParamRE = regexp.MustCompile(`\s*Flask-Dance: ([^.]+(?:\.\w[^.]*)*)\.\s*`)
	docLinkRE    = regexp.MustCompile(`\[(\*?[A-Za-z_][\w.]*)\]`)
	signatureRE  = regexp.MustCompile(`oauth_signature_method="([^"]+)"`)
)

// Providers returns the providers chapter for the presets in dir.
func Providers(dir string) ([]byte, error) {
	src, err := parseContrib(dir)
	if err != nil {
		return nil, err
	}
	gin.SetMode(gin.ReleaseMode)
	listed := map[string]bool{}
	var presets []*preset
	for _, fn := range constructors.Ordered() {
		name := runtime.FuncForPC(reflect.ValueOf(fn).Pointer()).Name()
		name = name[strings.LastIndexByte(name, '.')+1:]
		listed[name] = true
		fd := src.funcs[name]
		if fd == nil {
			return nil, fmt.Errorf("contrib.%s is in the generator's list but not a preset in %s", name, dir)
		}
		p, err := describe(fn, fd, src)
		if err != nil {
			return nil, fmt.Errorf("contrib.%s: %w", name, err)
		}
		presets = append(presets, p)
	}
	for name := range src.funcs {
		if !listed[name] {
			return nil, fmt.Errorf("contrib.%s is a preset missing from internal/presets/constructors", name)
		}
	}
	sort.Slice(presets, func(i, j int) bool {
		return strings.ToLower(presets[i].Display) < strings.ToLower(presets[j].Display)
	})
	return render(presets, src), nil
}

// describe builds the preset with placeholder credentials and reads what
// it does.
func describe(fn any, fd *funcDoc, src *source) (*preset, error) {
	cd := src.configs[fd.Config]
	if cd == nil {
		return nil, fmt.Errorf("no Config type %s", fd.Config)
	}
	flask, err := flaskDanceOf(fd.Config, cd)
	if err != nil {
		return nil, err
	}
	p := &preset{Func: fd.Name, Config: fd.Config, Src: cd, FuncDoc: fd.Doc, FlaskDance: flask.Func, FlaskArgs: flask.Args}
	p.Display = fd.Name
	if m := displayRE.FindStringSubmatch(strings.Join(strings.Fields(cd.Doc), " ")); m != nil {
		p.Display = m[1]
	}
	if m := urlRE.FindString(cd.Doc); m != "" {
		p.ProviderDocURL = m
	}
	seen := map[string]bool{}
	for _, f := range cd.Fields {
		for _, env := range envRE.FindAllString(f.Doc, -1) {
			if !seen[env] {
				seen[env] = true
				p.Env = append(p.Env, env)
			}
		}
	}

	// Placeholder credentials in the environment, as an app would have.
	restore, err := setEnv(p.Env)
	if err != nil {
		return nil, err
	}
	defer restore()

	rec := &recorder{}
	mem := storage.NewMemory(nil)
	fv := reflect.ValueOf(fn)
	desc := presets.ByConfig(fd.Config)
	if desc != nil {
		p.Instance = slices.Sorted(maps.Keys(desc.Instance))
		p.Examples = desc.Instance
	}
	build := func(base string) (*dance.Blueprint, error) {
		cfg := reflect.New(fv.Type().In(0)).Elem()
		cfg.FieldByName("HTTPClient").Set(reflect.ValueOf(&http.Client{Transport: rec}))
		cfg.FieldByName("Storage").Set(reflect.ValueOf(mem))
		// The dance fails at every provider call, on purpose: not news.
		cfg.FieldByName("Logger").Set(reflect.ValueOf(slog.New(slog.DiscardHandler)))
		if base != "" {
			cfg.FieldByName("BaseURL").SetString(base)
		}
		if desc != nil {
			desc.FillInstance(cfg) // the example instance's URLs
		}
		out := fv.Call([]reflect.Value{cfg})
		err, _ := out[1].Interface().(error)
		bp, _ := out[0].Interface().(*dance.Blueprint)
		return bp, err
	}
	bp, err := build("")
	if err != nil && strings.Contains(err.Error(), "BaseURL") {
		p.BaseRequired = true
		bp, err = build("https://" + strings.ToLower(fd.Name) + ".example.com")
	}
	if err != nil {
		return nil, err
	}
	p.Name = bp.Name()
	a := newApp(bp)
	if desc != nil {
		a.sign = desc.SignCallback
	}
	if err := a.dance(p, rec); err != nil {
		return nil, err
	}

	tok := &dance.Token{AccessToken: placeholderToken, TokenType: "Bearer"}
	if p.OAuth1 {
		tok = &dance.Token{OAuthToken: placeholderToken, OAuthTokenSecret: "TOKEN_SECRET"}
	} else {
		// An expired token that can be refreshed: the first API call
		// refreshes it, if the preset is refreshable.
		_ = mem.Set(nil, bp.Name(), &dance.Token{AccessToken: placeholderToken, TokenType: "Bearer",
			RefreshToken: "REFRESH_TOKEN", ExpiresAt: time.Unix(1, 0)})
		rec.start("")
		a.call(func(cl *dance.Client) { _, _ = cl.Token() })
		if r := rec.first(); r != nil && r.Form.Get("grant_type") == "refresh_token" {
			p.RefreshURL = redact(r.URL)
		}
	}
	_ = mem.Set(nil, bp.Name(), tok)

	// The identity call, if the preset has one.
	rec.start("")
	var profErr error
	a.call(func(cl *dance.Client) { _, profErr = cl.Profile() })
	var e *dance.Error
	switch r := rec.first(); {
	case r != nil:
		p.Profile = r.Method + " " + redact(r.URL)
	case errors.As(profErr, &e) && e.Stage == dance.StageAPI:
		// no profile mapping
	default:
		return nil, fmt.Errorf("profile: %v", profErr)
	}
	// A plain API call: the base URL (a reference of only a query keeps
	// its path), how the token travels, and the preset's headers.
	rec.start("")
	a.call(func(cl *dance.Client) {
		if req, err := cl.NewRequest(http.MethodGet, "?gendocs-probe", nil); err == nil {
			_, _ = cl.Do(req)
		}
	})
	r := rec.first()
	switch {
	case r != nil:
		p.BaseURL = redact(r.URL)
		p.TokenCarrier = carrier(r, p.OAuth1)
	case presets.ByName(p.Name) != nil && presets.ByName(p.Name).BaseURL == "":
		// A provider without an API (Sign in with Apple): no base URL.
		p.BaseURL, p.TokenCarrier = "none (the provider has no API)", []string{"no API calls"}
	default:
		return nil, errors.New("an API call sent no request")
	}

	// The revocation call, if the preset has one.
	rec.start("")
	var revErr error
	a.call(func(cl *dance.Client) { revErr = cl.Revoke() })
	switch r := rec.first(); {
	case errors.Is(revErr, dance.ErrRevocationUnsupported):
	case r != nil:
		p.Revoke = r.Method + " " + redact(r.URL)
	default:
		return nil, fmt.Errorf("revoke: %v", revErr)
	}
	return p, nil
}

// setEnv sets placeholder values for the preset's environment variables
// and returns a func that puts the old values back.
func setEnv(names []string) (func(), error) {
	type old struct {
		v  string
		ok bool
	}
	saved := map[string]old{}
	for _, n := range names {
		v, ok := os.LookupEnv(n)
		saved[n] = old{v, ok}
		val := placeholderSecret
		switch {
		case strings.HasSuffix(n, "_RSA_KEY"):
			key, err := rsa.GenerateKey(rand.Reader, 2048)
			if err != nil {
				return nil, err
			}
			val = string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)}))
		case strings.HasSuffix(n, "_PRIVATE_KEY"): // an EC key, as Apple's .p8
			key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
			if err != nil {
				return nil, err
			}
			der, err := x509.MarshalPKCS8PrivateKey(key)
			if err != nil {
				return nil, err
			}
			val = string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
		case strings.HasSuffix(n, "_ID"), strings.HasSuffix(n, "_KEY"):
			val = placeholderID
		}
		os.Setenv(n, val)
	}
	return func() {
		for n, o := range saved {
			if o.ok {
				os.Setenv(n, o.v)
			} else {
				os.Unsetenv(n)
			}
		}
	}, nil
}

// app serves a blueprint as an app does, for the generator to drive: its
// routes under /login, and /call, which hands the request's client to the
// current step.
type app struct {
	bp   *dance.Blueprint
	r    *gin.Engine
	step func(*dance.Client)
	// sign signs the callback as the provider does (Shopify's hmac),
	// with the placeholder client secret; nil for most.
	sign func(q url.Values, secret string)
}

func newApp(bp *dance.Blueprint) *app {
	a := &app{bp: bp, r: gin.New()}
	a.r.Use(sessions.Sessions("s", cookie.NewStore([]byte("gendocs-session-key-32-bytes-xx!"))))
	bp.Register(a.r.Group("/login"))
	a.r.GET("/call", bp.Middleware(), func(c *gin.Context) { a.step(c.MustGet(bp.Name()).(*dance.Client)) })
	return a
}

// get serves a GET of target with cookies.
func (a *app) get(target string, cookies []*http.Cookie) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodGet, target, nil)
	for _, c := range cookies {
		req.AddCookie(c)
	}
	w := httptest.NewRecorder()
	a.r.ServeHTTP(w, req)
	return w
}

// call runs step with the client of a request.
func (a *app) call(step func(*dance.Client)) {
	a.step = step
	a.get("/call", nil)
}

// requestToken is the answer to an OAuth 1 login's request-token call.
const requestToken = "oauth_token=REQUEST_TOKEN&oauth_token_secret=REQUEST_SECRET&oauth_callback_confirmed=true"

// dance drives the login and the callback, and reads from them the
// endpoints, the protocol, the default scopes and the parameters of the
// login redirect, and how the token request carries the client's
// credentials.
func (a *app) dance(p *preset, rec *recorder) error {
	login := "/login/" + a.bp.Name()
	rec.start(requestToken)
	w := a.get(login, nil)
	rt := rec.first()
	loc, err := url.Parse(w.Header().Get("Location"))
	if w.Code != http.StatusFound || err != nil {
		return fmt.Errorf("login answered %d", w.Code)
	}
	q := loc.Query()
	p.AuthURL = redact(loc)
	cb := url.Values{"code": {"CODE"}, "state": {q.Get("state")}}
	if rt != nil {
		// Only OAuth 1 calls the provider before the redirect.
		p.OAuth1 = true
		p.RequestToken = redact(rt.URL)
		if m := signatureRE.FindStringSubmatch(rt.Header.Get("Authorization")); m != nil {
			p.Signature = m[1]
		}
		cb = url.Values{"oauth_token": {q.Get("oauth_token")}, "oauth_verifier": {"VERIFIER"}}
	} else {
		if a.sign != nil {
			a.sign(cb, placeholderSecret)
		}
		p.Scopes = strings.Fields(q.Get("scope"))
		p.LoginParams = loginParams(q)
	}
	rec.start("")
	a.get(login+"/authorized?"+cb.Encode(), w.Result().Cookies())
	tr := rec.first()
	if tr == nil {
		return errors.New("the callback sent no token request")
	}
	p.TokenURL = redact(tr.URL)
	p.AuthInBody = tr.Form.Has("client_id")
	return nil
}

// standardParams are what every OAuth 2 authorization request carries.
var standardParams = []string{"client_id", "redirect_uri", "response_type", "scope", "state", "code_challenge", "code_challenge_method", "nonce"}

// loginParams are the authorization URL's parameters q beyond the
// standard ones.
func loginParams(q url.Values) []string {
	var out []string
	for _, k := range slices.Sorted(maps.Keys(q)) {
		if !slices.Contains(standardParams, k) {
			out = append(out, k+"="+q.Get(k))
		}
	}
	return out
}

// carrier says how an API request carries the token, and which other
// headers the preset adds.
func carrier(req *recorded, oauth1 bool) []string {
	var out []string
	if a := req.Header.Get("Authorization"); a != "" {
		scheme, _, _ := strings.Cut(a, " ")
		if oauth1 {
			out = append(out, "`Authorization: OAuth …` (signed)")
		} else {
			out = append(out, "`Authorization: "+scheme+" <token>`")
		}
	}
	for _, k := range slices.Sorted(func(yield func(string) bool) {
		for k := range req.Header {
			if !yield(k) {
				return
			}
		}
	}) {
		if k == "Authorization" {
			continue
		}
		v := req.Header.Get(k)
		if v == placeholderToken {
			v = "<token>" // a header that carries the token (Shopify's)
		}
		out = append(out, "`"+k+": "+v+"`")
	}
	for k, v := range req.URL.Query() {
		if slices.Contains(v, placeholderToken) {
			out = append(out, "`?"+k+"=<token>`")
		}
	}
	return out
}

// redact shows a recorded URL without a query.
func redact(u *url.URL) string {
	c := *u
	c.RawQuery = ""
	return c.String()
}

func code(s string) string { return "`" + s + "`" }

func codes(ss []string) string {
	if len(ss) == 0 {
		return "none"
	}
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = code(s)
	}
	return strings.Join(out, ", ")
}

func render(presets []*preset, src *source) []byte {
	var b bytes.Buffer
	b.WriteString(`<!-- Generated by internal/cmd/gendocs from contrib/*.go; DO NOT EDIT. Run: go generate ./docs -->

# 5. Providers

Every Flask-Dance provider has a preset in package ` + "`contrib`" + `: a Config struct with the
provider's options, and a constructor that returns a ready ` + "`*dance.Blueprint`" + `. This chapter
is generated from the presets themselves (their Config types and doc comments, and what each
blueprint does when it is built), so it says what the code does.

Everything here is the preset's default; every preset also embeds ` + "`dance.Options`" + ` (routes,
redirects, storage, HTTP client, hooks, proxies: see [Concepts](concepts.md)) and, for OAuth 2,
` + "`contrib.Endpoints`" + ` to move any endpoint (authorize, token, refresh, identity) to a
self-hosted instance or to the fake provider in tests (` + "`fake.Configure(&cfg)`" + `, see
[Testing apps](testing.md)). Credentials left empty are read from the environment variables
listed, the same names as Flask-Dance's.

In the tables, ` + "`CLIENT_ID`" + ` stands for your client ID and ` + "`<token>`" + ` for the user's
access token. "Refresh" is the endpoint of an expired token's refresh (Flask-Dance's
` + "`auto_refresh_url`" + `); "Profile" is the call behind ` + "`Client.Profile()`" + `; "Revoke" is the
call behind ` + "`Client.Revoke()`" + ` (see [Logging out](logout.md)).

| Provider | Constructor | OAuth | Blueprint | Default scope | Refreshable | Profile | Revoke |
|---|---|---|---|---|---|---|---|
`)
	for _, p := range presets {
		proto := "2"
		if p.OAuth1 {
			proto = "1"
		}
		fmt.Fprintf(&b, "| [%s](#%s) | `contrib.%s` | %s | `%s` | %s | %s | %s | %s |\n",
			p.Display, anchor(p.Display), p.Func, proto, p.Name, codes(p.Scopes),
			yesNo(p.RefreshURL != ""), yesNo(p.Profile != ""), yesNo(p.Revoke != ""))
	}
	for _, p := range presets {
		renderPreset(&b, p, src)
	}
	b.WriteString(`
## Any other provider

` + "`dance.NewOAuth2(dance.OAuth2Config{…})`" + ` is Flask-Dance's ` + "`OAuth2ConsumerBlueprint`" + ` and
` + "`dance.NewOAuth1(dance.OAuth1Config{…})`" + ` its ` + "`OAuth1ConsumerBlueprint`" + `; ` + "`dance.NewOIDC`" + `
builds an OAuth 2 blueprint from an OpenID Connect issuer's discovery document. The
[Concepts](concepts.md) chapter shows a custom provider, and [Migrating](migrating.md) maps every
argument.
`)
	return b.Bytes()
}

func yesNo(ok bool) string {
	if ok {
		return "yes"
	}
	return "no"
}

// anchor is the heading anchor that the code host makes of s.
func anchor(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '-', r == '_':
			b.WriteRune(r)
		case r == ' ':
			b.WriteByte('-')
		}
	}
	return b.String()
}

func renderPreset(b *bytes.Buffer, p *preset, src *source) {
	fmt.Fprintf(b, "\n## %s\n\n", p.Display)
	proto := "OAuth 2"
	if p.OAuth1 {
		proto = "OAuth 1.0a, " + p.Signature
	}
	fmt.Fprintf(b, "`contrib.%s(contrib.%s{…})` · %s", p.Func, p.Config, proto)
	if p.FlaskDance != "" {
		fmt.Fprintf(b, " · Flask-Dance: `%s`", p.FlaskDance)
	}
	if p.ProviderDocURL != "" {
		fmt.Fprintf(b, " · [provider documentation](%s)", p.ProviderDocURL)
	}
	b.WriteString("\n\n| | |\n|---|---|\n")
	row := func(k, v string) { fmt.Fprintf(b, "| %s | %s |\n", k, v) }
	row("Blueprint name", code(p.Name)+"; routes "+code("/"+p.Name)+" and "+code("/"+p.Name+"/authorized")+" under the router you register it on")
	row("Environment", codes(p.Env))
	if len(p.Instance) > 0 {
		var ex []string
		for _, f := range p.Instance {
			ex = append(ex, code(f)+" (for example "+code(p.Examples[f])+")")
		}
		row("Instance", "required: "+strings.Join(ex, ", ")+"; the URLs below are the example's")
	}
	if !p.OAuth1 {
		row("Default scope", codes(p.Scopes))
	}
	if p.OAuth1 {
		row("Request token", code(p.RequestToken))
	}
	row("Authorization", code(p.AuthURL))
	tokenNote := ""
	if !p.OAuth1 {
		tokenNote = " (client ID and secret as HTTP Basic auth)"
		if p.AuthInBody {
			tokenNote = " (client ID and secret in the request body)"
		}
	}
	row("Token", code(p.TokenURL)+tokenNote)
	if !p.OAuth1 {
		refresh := "not refreshable"
		if p.RefreshURL != "" {
			refresh = code(p.RefreshURL)
		}
		row("Refresh", refresh)
	}
	base := code(p.BaseURL)
	if p.BaseRequired {
		base = "required (`Options.BaseURL`), for example " + code(p.BaseURL)
	}
	if u, err := url.Parse(p.BaseURL); err == nil && strings.HasSuffix(u.Path, "/") && u.Path != "/" && !p.BaseRequired {
		// A leading slash would drop the path (RFC 3986); the client warns.
		base += "; write references without a leading slash: `\"ref\"` is " + code(p.BaseURL+"ref") +
			", but `\"/ref\"` is " + code(u.Scheme+"://"+u.Host+"/ref")
	}
	row("API base URL", base)
	if len(p.LoginParams) > 0 {
		row("Login always sends", codes(p.LoginParams))
	}
	row("API calls carry", strings.Join(p.TokenCarrier, ", "))
	profile := "none: `Client.Profile()` returns an error of stage `api` unless `Options.Profile` maps one"
	if p.Profile != "" {
		profile = code(p.Profile)
	}
	row("Profile", profile)
	revoke := "none: `Revoke` returns `dance.ErrRevocationUnsupported`"
	if p.Revoke != "" {
		revoke = code(p.Revoke)
	}
	row("Revoke", revoke)

	// The Config's doc, past its first paragraph (which the line above
	// already says), and the constructor's doc past its first sentence.
	if rest := afterFirstParagraph(p.Src.Doc); rest != "" {
		b.WriteString("\n" + markdown(rest, src))
	}
	if rest := afterFirstSentence(p.FuncDoc); rest != "" {
		b.WriteString("\n" + markdown(rest, src))
	}

	b.WriteString("\n| Option | Type | Flask-Dance | Meaning |\n|---|---|---|---|\n")
	for _, f := range p.Src.Fields {
		doc := strings.Join(strings.Fields(f.Doc), " ")
		// A mapping still written in the comment is the table's (the
		// table is checked against it), so it is not said twice.
		if m := flaskParamRE.FindStringSubmatch(doc); m != nil {
			doc = strings.TrimSpace(strings.Replace(doc, strings.TrimSpace(m[0]), "", 1))
		}
		flask := "—" // a preset that Flask-Dance does not have
		if p.FlaskDance != "" {
			flask = code(p.FlaskArgs[f.Name])
		}
		fmt.Fprintf(b, "| `%s` | `%s` | %s | %s |\n", f.Name, f.Type, flask, cell(doc))
	}
	if len(p.Src.Embedded) > 0 {
		fmt.Fprintf(b, "\nEmbedded: %s.\n", codes(qualify(p.Src.Embedded)))
	}
}

// qualify names embedded types as a user writes them.
func qualify(ts []string) []string {
	out := make([]string, len(ts))
	for i, t := range ts {
		if !strings.Contains(t, ".") {
			t = "contrib." + t
		}
		out[i] = t
	}
	return out
}

// cell makes doc text fit a table cell: doc links become code spans.
func cell(s string) string {
	s = docLinkRE.ReplaceAllString(s, "`$1`")
	return strings.ReplaceAll(s, "|", `\|`)
}

func afterFirstParagraph(doc string) string {
	_, rest, _ := strings.Cut(strings.TrimSpace(doc), "\n\n")
	return strings.TrimSpace(rest)
}

func afterFirstSentence(doc string) string {
	doc = strings.Join(strings.Fields(doc), " ")
	_, rest, _ := strings.Cut(doc, ". ")
	return strings.TrimSpace(rest)
}

// markdown renders doc comment text, with doc links to pkg.go.dev.
func markdown(text string, src *source) string {
	p := comment.Parser{
		LookupPackage: func(name string) (string, bool) {
			switch name {
			case "dance":
				return "github.com/gin-dance/dance", true
			case "contrib":
				return contribPath, true
			}
			return "", false
		},
		LookupSym: func(recv, name string) bool {
			if recv != "" {
				return src.symbols[recv]
			}
			return src.symbols[name]
		},
	}
	pr := comment.Printer{
		DocLinkURL: func(l *comment.DocLink) string {
			if l.ImportPath == "" {
				l.ImportPath = contribPath
			}
			return l.DefaultURL("https://pkg.go.dev")
		},
	}
	return string(pr.Markdown(p.Parse(text)))
}
