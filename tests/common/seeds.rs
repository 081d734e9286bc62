//! The schemas of the requirement documents' tasks (seeds 003 and 004),
//! as migration sets in scratch folders.

use super::Scratch;

/// The schema of the diesel task in the requirement documents (seed 004).
pub const SEED_004: &str = "\
CREATE TABLE users (
    id SERIAL PRIMARY KEY,
    username VARCHAR(255) NOT NULL UNIQUE,
    email VARCHAR(255) NOT NULL UNIQUE,
    password_hash VARCHAR(255) NOT NULL,
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);

CREATE TABLE products (
    id SERIAL PRIMARY KEY,
    name VARCHAR(255) NOT NULL,
    description TEXT,
    price NUMERIC(10, 2) NOT NULL,
    inventory_count INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE carts (
    id SERIAL PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id),
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);

CREATE TABLE cart_items (
    id SERIAL PRIMARY KEY,
    cart_id INTEGER NOT NULL REFERENCES carts(id) ON DELETE CASCADE,
    product_id INTEGER NOT NULL REFERENCES products(id),
    quantity INTEGER NOT NULL DEFAULT 1,
    UNIQUE(cart_id, product_id)
);
";

/// The UUID-keyed sqlx schema of the requirement documents (seed 003).
pub const SEED_003: [(&str, &str); 3] = [
    (
        "20251122000001_create_devices.sql",
        "CREATE EXTENSION IF NOT EXISTS \"uuid-ossp\";

CREATE TABLE devices (
    id                  UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    attestation_level   TEXT NOT NULL DEFAULT 'unverified',
    attestation_key_id  TEXT NOT NULL UNIQUE,
    attestation_chain   BYTEA,
    platform            TEXT NOT NULL,
    model               TEXT NOT NULL,
    has_lidar           BOOLEAN NOT NULL DEFAULT false,
    first_seen_at       TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    last_seen_at        TIMESTAMPTZ NOT NULL DEFAULT NOW()
);

CREATE INDEX idx_devices_attestation_key ON devices(attestation_key_id);
",
    ),
    (
        "20251122000002_create_captures.sql",
        "CREATE TABLE captures (
    id                  UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    device_id           UUID NOT NULL REFERENCES devices(id),
    target_media_hash   BYTEA NOT NULL UNIQUE,
    depth_map_key       TEXT,
    evidence            JSONB NOT NULL DEFAULT '{}',
    confidence_level    TEXT NOT NULL DEFAULT 'low',
    status              TEXT NOT NULL DEFAULT 'pending',
    captured_at         TIMESTAMPTZ NOT NULL,
    uploaded_at         TIMESTAMPTZ NOT NULL DEFAULT NOW()
);

CREATE INDEX idx_captures_hash ON captures USING hash(target_media_hash);
CREATE INDEX idx_captures_device ON captures(device_id);
CREATE INDEX idx_captures_status ON captures(status);
",
    ),
    (
        "20251122000003_create_verification_logs.sql",
        "CREATE TABLE verification_logs (
    id          UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    capture_id  UUID REFERENCES captures(id),
    action      TEXT NOT NULL,
    client_ip   INET,
    user_agent  TEXT,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT NOW()
);

CREATE INDEX idx_verification_logs_capture ON verification_logs(capture_id);
",
    ),
];

/// Seed 004 as a diesel set (with its down file).
pub fn seed_004() -> Scratch {
    let scratch = Scratch::new();
    scratch.write("migrations/00000000000001_create_tables/up.sql", SEED_004);
    scratch.write(
        "migrations/00000000000001_create_tables/down.sql",
        "DROP TABLE cart_items;\nDROP TABLE carts;\nDROP TABLE products;\nDROP TABLE users;\n",
    );
    scratch
}

/// Seed 003 as an sqlx set.
pub fn seed_003() -> Scratch {
    let scratch = Scratch::new();
    for (name, text) in SEED_003 {
        scratch.write(&format!("migrations/{name}"), text);
    }
    scratch
}
