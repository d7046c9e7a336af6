# Shortcuts; every recipe is a plain command you can run without just.
pg_url := env_var_or_default("NIDO_TEST_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")

# Serve on SQLite in ./data.
run:
    cargo run --release

# Fill an empty centre with fictional families.
demo:
    cargo run --release -- demo-data

# Unit and black-box tests on SQLite.
test:
    cargo test

# The black-box suite on PostgreSQL, one database per test.
test-pg:
    NIDO_TEST_DATABASE_URL={{pg_url}} cargo test --test api

# Formatting and lints, as CI checks them.
lint:
    cargo fmt --all -- --check
    cargo clippy --all-targets -- -D warnings

# Refresh the committed OpenAPI document after a deliberate API change.
openapi:
    UPDATE_OPENAPI=1 cargo test --test api openapi

# Everything CI runs.
ci:
    bash .ci/run
