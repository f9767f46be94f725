package gormstore

import (
	"testing"

	"github.com/gin-dance/dance/storage"
	"github.com/gin-gonic/gin"
)

// The user is the call's argument, else the Config's, else the
// per-request override; IDs before users, as in SQLAlchemyStorage.
func TestUserResolutionOrder(t *testing.T) {
	s := newSQLiteStore(t, Config{
		UserID: func(c *gin.Context) any { v, _ := c.Get("cfg_id"); return v },
		User:   func(c *gin.Context) any { v, _ := c.Get("cfg_user"); return v },
	})
	tests := []struct {
		name string
		who  Who
		set  func(c *gin.Context)
		want any
	}{
		{"call ID", Who{UserID: 1, User: &testUser{ID: 9}}, func(c *gin.Context) { c.Set("cfg_id", 2); SetUserID(c, "", 3) }, 1},
		{"config ID", Who{}, func(c *gin.Context) { c.Set("cfg_id", 2); SetUserID(c, "", 3) }, 2},
		{"override ID", Who{User: &testUser{ID: 9}}, func(c *gin.Context) { SetUserID(c, "", 3) }, 3},
		{"blueprint override wins", Who{}, func(c *gin.Context) { SetUserID(c, "", 3); SetUserID(c, "github", 4) }, 4},
		{"other blueprint's override", Who{}, func(c *gin.Context) { SetUserID(c, "google", 4) }, nil},
		{"call user", Who{User: &testUser{ID: 5}}, func(c *gin.Context) { c.Set("cfg_user", &testUser{ID: 6}) }, uint(5)},
		{"config user", Who{}, func(c *gin.Context) { c.Set("cfg_user", &testUser{ID: 6}); SetUser(c, "", &testUser{ID: 7}) }, uint(6)},
		{"override user", Who{}, func(c *gin.Context) { SetUser(c, "github", testUser{ID: 7}) }, uint(7)},
		{"anonymous user skipped", Who{User: &testUser{}}, func(c *gin.Context) { SetUser(c, "", &testUser{ID: 8}) }, uint(8)},
		{"pointer ID", Who{UserID: new(uint(10))}, func(*gin.Context) {}, uint(10)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := ctx(0)
			tt.set(c)
			got, err := s.userID(c, "github", tt.who)
			if tt.want == nil {
				if err == nil {
					t.Fatalf("got %v, want ErrUserRequired", got)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("got %v (%T), %v; want %v (%T)", got, got, err, tt.want, tt.want)
			}
		})
	}
	s.anonymous = func(u any) bool { return u.(*testUser).Name == "guest" }
	c := ctx(0)
	if _, err := s.userID(c, "github", Who{User: &testUser{ID: 1, Name: "guest"}}); err != storage.ErrUserRequired {
		t.Errorf("Anonymous user: err %v, want ErrUserRequired", err)
	}
}
