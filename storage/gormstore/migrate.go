package gormstore

import (
	"context"
	"fmt"
	"reflect"
	"strings"

	"gorm.io/gorm"
)

// anonColumn is the generated column that keeps one user-less row per
// provider on MySQL and MariaDB (see the package doc).
const anonColumn = "dance_anon_provider"

// Migrate prepares the store's table. When the table is missing, it is
// created from the model (GORM's AutoMigrate). An existing table, for
// example one that Flask-Dance created, is left as it is. Then the unique
// indexes that keep one token per (provider, user) are added if missing:
// on (provider, user_id), and for rows without a user, the partial index
// or generated column described in the package doc. Migrate fails if the
// table already holds two tokens for one (provider, user); delete the
// older ones first.
func (s *Store) Migrate(ctx context.Context) error {
	db := s.db.WithContext(ctx)
	m := db.Migrator()
	if !m.HasTable(s.table) {
		// AutoMigrate through db.Table panics inside GORM (ReorderModels)
		// for a model with a relation such as User; CreateTable does not
		// reorder, and creates the foreign key once the related table
		// exists, so the related models are migrated first.
		if err := s.migrateRelated(db); err != nil {
			return err
		}
		if err := db.Table(s.table).Migrator().CreateTable(s.model); err != nil {
			return fmt.Errorf("gormstore: creating table %s: %w", s.table, err)
		}
	}
	mysql := db.Dialector.Name() == "mysql"
	var stmts []string
	ix := s.table + "_provider_user_uix"
	anon := s.table + "_provider_anon_uix"
	q := func(name string) string { // quote an identifier
		var b strings.Builder
		db.Dialector.QuoteTo(&b, name)
		return b.String()
	}
	switch {
	case !s.hasUser:
		if !m.HasIndex(s.table, ix) {
			stmts = append(stmts, fmt.Sprintf("CREATE UNIQUE INDEX %s ON %s (provider)", q(ix), q(s.table)))
		}
	case mysql:
		if !m.HasIndex(s.table, ix) {
			stmts = append(stmts, fmt.Sprintf("CREATE UNIQUE INDEX %s ON %s (provider, user_id)", q(ix), q(s.table)))
		}
		if !m.HasColumn(s.table, anonColumn) {
			stmts = append(stmts, fmt.Sprintf("ALTER TABLE %s ADD COLUMN %s VARCHAR(50) AS (CASE WHEN user_id IS NULL THEN provider END) VIRTUAL",
				q(s.table), anonColumn))
		}
		if !m.HasIndex(s.table, anon) {
			stmts = append(stmts, fmt.Sprintf("CREATE UNIQUE INDEX %s ON %s (%s)", q(anon), q(s.table), anonColumn))
		}
	default: // SQLite and PostgreSQL have partial indexes
		if !m.HasIndex(s.table, ix) {
			stmts = append(stmts, fmt.Sprintf("CREATE UNIQUE INDEX %s ON %s (provider, user_id)", q(ix), q(s.table)))
		}
		if !m.HasIndex(s.table, anon) {
			stmts = append(stmts, fmt.Sprintf("CREATE UNIQUE INDEX %s ON %s (provider) WHERE user_id IS NULL", q(anon), q(s.table)))
		}
	}
	for _, stmt := range stmts {
		if err := db.Exec(stmt).Error; err != nil {
			return fmt.Errorf("gormstore: migrating table %s: %w", s.table, err)
		}
	}
	return nil
}

// migrateRelated creates the tables of the models the token model refers
// to (the app's User), as AutoMigrate would.
func (s *Store) migrateRelated(db *gorm.DB) error {
	stmt := &gorm.Statement{DB: db}
	if err := stmt.Parse(s.model); err != nil {
		return fmt.Errorf("gormstore: Model: %w", err)
	}
	for _, rel := range stmt.Schema.Relationships.Relations {
		if rel.FieldSchema == nil || rel.FieldSchema == stmt.Schema {
			continue
		}
		related := reflect.New(rel.FieldSchema.ModelType).Interface()
		if err := db.AutoMigrate(related); err != nil {
			return fmt.Errorf("gormstore: creating table %s: %w", rel.FieldSchema.Table, err)
		}
	}
	return nil
}
