package storage_test

import (
	"encoding/json"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/gin-dance/dance/storage"
)

// A token as Flask-Dance (oauthlib) stores it: scope as a list, expires_at
// as float seconds, and the provider's extra fields.
const flaskToken = `{"access_token": "gho_abc", "token_type": "bearer", "scope": ["user:email"],
 "expires_in": 28799, "expires_at": 1700000000.25, "refresh_token": "ghr_def", "refresh_token_expires_in": 15897599}`

func TestTokenReadsFlaskDanceLayout(t *testing.T) {
	var tok storage.Token
	if err := json.Unmarshal([]byte(flaskToken), &tok); err != nil {
		t.Fatal(err)
	}
	if tok.AccessToken != "gho_abc" || tok.TokenType != "bearer" || tok.RefreshToken != "ghr_def" {
		t.Errorf("token = %+v", tok)
	}
	if !slices.Equal(tok.Scope, []string{"user:email"}) {
		t.Errorf("Scope = %v", tok.Scope)
	}
	if want := time.UnixMilli(1700000000250); !tok.ExpiresAt.Equal(want) {
		t.Errorf("ExpiresAt = %v, want %v", tok.ExpiresAt, want)
	}
	if tok.Extra["refresh_token_expires_in"] != float64(15897599) {
		t.Errorf("Extra = %v", tok.Extra)
	}
}

func TestTokenWritesFlaskDanceKeys(t *testing.T) {
	var tok storage.Token
	if err := json.Unmarshal([]byte(flaskToken), &tok); err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(tok)
	if err != nil {
		t.Fatal(err)
	}
	var got, want map[string]any
	json.Unmarshal(b, &got)
	json.Unmarshal([]byte(flaskToken), &want)
	if !reflect.DeepEqual(keys(got), keys(want)) {
		t.Errorf("keys = %v, want %v", keys(got), keys(want))
	}
	if got["expires_at"] != want["expires_at"] {
		t.Errorf("expires_at = %v, want %v", got["expires_at"], want["expires_at"])
	}
	if in := got["expires_in"].(float64); in >= 0 {
		t.Errorf("expires_in = %v, want negative for a 2023 expiry", in)
	}
}

func keys(m map[string]any) []string {
	var k []string
	for key := range m {
		k = append(k, key)
	}
	slices.Sort(k)
	return k
}

func TestTokenScopeAsString(t *testing.T) {
	var tok storage.Token
	if err := json.Unmarshal([]byte(`{"access_token":"a","scope":"openid email  profile"}`), &tok); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(tok.Scope, []string{"openid", "email", "profile"}) {
		t.Errorf("Scope = %q", tok.Scope)
	}
}

func TestTokenBadInput(t *testing.T) {
	for _, in := range []string{
		`null`, `[]`, `"x"`, `{"access_token": 5}`, `{"scope": [1]}`, `{"expires_at": "soon"}`,
		`{"expires_at": 1e300}`, `{"expires_in": {}}`,
	} {
		var tok storage.Token
		if err := json.Unmarshal([]byte(in), &tok); err == nil {
			t.Errorf("Unmarshal(%s) gave no error", in)
		}
	}
}

func TestTokenOAuth1(t *testing.T) {
	var tok storage.Token
	if err := json.Unmarshal([]byte(`{"oauth_token":"t","oauth_token_secret":"s","screen_name":"dance"}`), &tok); err != nil {
		t.Fatal(err)
	}
	if !tok.Valid() || tok.OAuthToken != "t" || tok.OAuthTokenSecret != "s" || tok.Get("screen_name") != "dance" {
		t.Fatalf("token = %+v", tok)
	}
	half := storage.Token{OAuthToken: "t"}
	if half.Valid() {
		t.Fatal("OAuth 1 token without secret is valid")
	}
}

func TestTokenExpired(t *testing.T) {
	now := time.Now()
	tok := &storage.Token{AccessToken: "a", ExpiresAt: now.Add(20 * time.Second)}
	if tok.Expired(now, 0) || !tok.Expired(now, 30*time.Second) {
		t.Fatal("leeway not applied")
	}
	if (&storage.Token{AccessToken: "a"}).Expired(now, time.Hour) {
		t.Fatal("a token without expiry expired")
	}
}
