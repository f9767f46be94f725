package gormstore_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/gin-dance/dance/storage/gormstore"
	"gorm.io/driver/sqlite"
	"gorm.io/gorm"
)

type migrateUser struct {
	ID   uint
	Name string
}

// migrateOAuth is the docs' OAuth model: the mixin plus a user relation.
type migrateOAuth struct {
	gormstore.Model
	UserID *uint
	User   *migrateUser
}

// Migrate creates the token table of a model with a User relation on an
// empty database (it used to panic inside GORM), under the model's own
// table name and under a configured one.
func TestMigrateModelWithUserRelation(t *testing.T) {
	for _, table := range []string{"", "custom_oauth"} {
		t.Run("table="+table, func(t *testing.T) {
			db, err := gorm.Open(sqlite.Open(filepath.Join(t.TempDir(), "m.db")), &gorm.Config{})
			if err != nil {
				t.Fatal(err)
			}
			s, err := gormstore.New(db, gormstore.Config{Model: &migrateOAuth{}, Table: table})
			if err != nil {
				t.Fatal(err)
			}
			if err := s.Migrate(context.Background()); err != nil {
				t.Fatalf("Migrate: %v", err)
			}
			if !db.Migrator().HasTable(s.Table()) || !db.Migrator().HasColumn(s.Table(), "user_id") {
				t.Fatalf("table %s or its user_id column is missing", s.Table())
			}
			if err := s.Migrate(context.Background()); err != nil {
				t.Fatalf("second Migrate: %v", err)
			}
		})
	}
}
