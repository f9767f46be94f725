package dancetest

import (
	"net/http"
	"testing"
)

func TestDiscardRequests(t *testing.T) {
	for _, discard := range []bool{false, true} {
		p := NewProvider(Config{DiscardRequests: discard})
		resp, err := http.Get(p.URL + "/user")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		p.Close()
		if resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("discard=%v: GET /user without a token: got %d, want 401", discard, resp.StatusCode)
		}
		want := 1
		if discard {
			want = 0
		}
		if got := len(p.Requests()); got != want {
			t.Errorf("discard=%v: recorded %d requests, want %d", discard, got, want)
		}
	}
}
