package logout

import (
	"context"
	"encoding/base64"
	"net/http"
	"testing"
	"time"
)

func TestEndSessionURLKeepsEndpointQuery(t *testing.T) {
	got := EndSessionURL("https://op.example/logout?tenant=t1", "", "https://app.example/oidc/logout", "cid", "st")
	want := "https://op.example/logout?client_id=cid&post_logout_redirect_uri=https%3A%2F%2Fapp.example%2Foidc%2Flogout&state=st&tenant=t1"
	if got != want {
		t.Fatalf("got %s\nwant %s", got, want)
	}
}

func TestSameOrigin(t *testing.T) {
	const app = "https://app.example"
	for _, c := range []struct {
		name   string
		header http.Header
		want   bool
	}{
		{"same Origin", http.Header{"Origin": {"https://app.example"}}, true},
		{"other Origin", http.Header{"Origin": {"https://evil.example"}}, false},
		{"other scheme", http.Header{"Origin": {"http://app.example"}}, false},
		{"Origin wins over Sec-Fetch-Site", http.Header{"Origin": {"https://evil.example"}, "Sec-Fetch-Site": {"same-origin"}}, false},
		{"same-origin fetch", http.Header{"Sec-Fetch-Site": {"same-origin"}}, true},
		{"same-site fetch", http.Header{"Sec-Fetch-Site": {"same-site"}}, false},
		{"null Origin, cross-site", http.Header{"Origin": {"null"}, "Sec-Fetch-Site": {"cross-site"}}, false},
		{"same Referer", http.Header{"Referer": {"https://app.example/account"}}, true},
		{"other Referer", http.Header{"Referer": {"https://app.example.evil.example/"}}, false},
		{"nothing", http.Header{}, false},
	} {
		r, _ := http.NewRequest(http.MethodPost, app+"/x/logout", nil)
		r.Header = c.header
		if got := SameOrigin(r, app); got != c.want {
			t.Errorf("%s: SameOrigin = %v, want %v", c.name, got, c.want)
		}
	}
}

func TestMemoryKeepsLatestLogout(t *testing.T) {
	ctx := context.Background()
	now := time.Unix(1_700_000_000, 0)
	m := NewMemory(func() time.Time { return now })
	if !m.Empty() {
		t.Fatal("a new record is not empty")
	}
	until := now.Add(time.Hour)
	_ = m.End(ctx, "k", now, until)
	_ = m.End(ctx, "k", now.Add(-time.Minute), until) // an older logout, delivered late
	got, err := m.Ended(ctx, "other", "k")
	if err != nil || !got.Equal(now) {
		t.Fatalf("Ended = %v, %v; want %v", got, err, now)
	}
	if got, _ := m.Ended(ctx, "other"); !got.IsZero() {
		t.Fatalf("Ended of an unknown key = %v", got)
	}
}

func TestEndsComparesIssuedAt(t *testing.T) {
	ctx := context.Background()
	at := time.Unix(1_700_000_000, 0)
	m := NewMemory(time.Now)
	ev := &Event{Issuer: "https://op", Subject: "u1", IssuedAt: at}
	for _, k := range EndedKeys("bp", ev) {
		_ = m.End(ctx, k, at, time.Now().Add(time.Hour))
	}
	for _, c := range []struct {
		name string
		s    Session
		want bool
	}{
		{"issued before", Session{Issuer: "https://op", Subject: "u1", IssuedAt: at.Add(-time.Hour)}, true},
		{"issued the same second", Session{Issuer: "https://op", Subject: "u1", IssuedAt: at}, true},
		{"issued after", Session{Issuer: "https://op", Subject: "u1", IssuedAt: at.Add(time.Second)}, false},
		{"another user", Session{Issuer: "https://op", Subject: "u2"}, false},
		{"another issuer", Session{Issuer: "https://other", Subject: "u1"}, false},
	} {
		if got, err := Ends(ctx, m, "bp", c.s); err != nil || got != c.want {
			t.Errorf("%s: Ends = %v, %v; want %v", c.name, got, err, c.want)
		}
	}
	if got, _ := Ends(ctx, m, "other-blueprint", Session{Issuer: "https://op", Subject: "u1"}); got {
		t.Error("a logout of one blueprint ended another's session")
	}
}

func TestEndedKeysPreferSession(t *testing.T) {
	both := EndedKeys("bp", &Event{Issuer: "i", Subject: "s", SessionID: "x"})
	if len(both) != 1 || both[0] != Keys("bp", "i", "", "x")[0] {
		t.Fatalf("a token with sid and sub ends %v, want the session only", both)
	}
	sub := EndedKeys("bp", &Event{Issuer: "i", Subject: "s"})
	if len(sub) != 1 || sub[0] != Keys("bp", "i", "s", "")[0] {
		t.Fatalf("a token with sub only ends %v", sub)
	}
}

func TestSessionOf(t *testing.T) {
	enc := base64.RawURLEncoding.EncodeToString
	s, ok := SessionOf("h." + enc([]byte(`{"iss":"i","sub":"s","sid":"x","iat":1700000000}`)) + ".sig")
	if !ok || s.Issuer != "i" || s.Subject != "s" || s.SessionID != "x" || s.IssuedAt.Unix() != 1_700_000_000 {
		t.Fatalf("SessionOf = %+v, %v", s, ok)
	}
	for _, bad := range []string{"", "abc", "h.!!!.s", "h." + enc([]byte(`{"iss":"i"}`)) + ".s"} {
		if _, ok := SessionOf(bad); ok {
			t.Errorf("SessionOf(%q) is ok", bad)
		}
	}
}
