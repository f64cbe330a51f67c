/* migrations.h - the schema history, generated from src/db/migrations/NNN_name.sql. */
#ifndef JW_MIGRATIONS_H
#define JW_MIGRATIONS_H

struct migration {
	int version;
	const char *name;
	const char *sql;
};

extern const struct migration db_migrations[];
extern const int db_migration_count;

#endif
