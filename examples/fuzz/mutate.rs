//! A seeded, deterministic mutator of migration sets: the same seed and case
//! number give the same files, so every failure can be replayed.

/// SplitMix64: small, fast, good enough to pick mutations.
#[derive(Clone)]
pub struct Rng(u64);

impl Rng {
    /// The generator of case `case` of a run seeded with `seed`.
    pub fn for_case(seed: u64, case: u64) -> Rng {
        let mut rng = Rng(seed ^ case.wrapping_mul(0xA076_1D64_78BD_642F));
        rng.next();
        rng
    }

    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }

    /// True with probability `percent` / 100.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// Mostly small numbers, sometimes large: nesting depths, repeat counts.
    pub fn size(&mut self, max: usize) -> usize {
        match self.below(4) {
            0 => 1 + self.below(8),
            1 => 1 + self.below(64),
            2 => 1 + self.below(max / 8 + 1),
            _ => 1 + self.below(max),
        }
    }
}

/// One file of a migration set: its path inside the set, its bytes.
#[derive(Clone)]
pub struct File {
    pub path: String,
    pub bytes: Vec<u8>,
}

/// The largest a mutated file may grow: big enough for long lines (past
/// 65,535 characters) and wide tables, small enough to keep cases fast.
pub const MAX_FILE: usize = 1 << 20;

/// Words and snippets spliced into files, beyond the tokens of the corpus.
const SNIPPETS: &[&str] = &[
    "-- schema-lint: ignore all",
    "-- schema-lint: ignore prefer-text -- why",
    "-- schema-lint: ignore-file prefer-text, bigint-primary-key",
    "-- schema-lint: ignore",
    "-- +goose Up",
    "-- +goose Down",
    "-- +goose Dwn",
    "-- +goose StatementBegin",
    "-- +goose StatementEnd",
    "-- migrate:up",
    "-- migrate:down",
    "---- create above / drop below ----",
    "--> statement-breakpoint",
    "--changeset a:1",
    "--rollback DROP TABLE x;",
    "$$",
    "$body$",
    "/*",
    "*/",
    "'",
    "\"",
    "E'\\",
    "U&'\\0000'",
    "BEGIN;",
    "COMMIT;",
    "DO $$ BEGIN CREATE TABLE d (id BIGINT); END $$;",
    "CREATE TABLE",
    "ALTER TABLE",
    "DROP TABLE",
    "REFERENCES",
    "PRIMARY KEY",
    "ON DELETE CASCADE",
    "VARCHAR(255)",
    "TIMESTAMP",
    "SERIAL",
    "CHECK (status IN ('a', 'b'))",
    "{{ index .Options \"Namespace\" }}",
    "{{",
    ";",
    ",",
    "(",
    ")",
    "\\",
    "::",
    "COPY t FROM stdin;\n1\t2\n\\.\n",
];

/// Characters that break assumptions about text.
const ODD: &[&str] = &[
    "\u{FEFF}",
    "\u{200D}",
    "\u{202E}",
    "\u{2066}",
    "\u{0301}\u{0301}\u{0301}",
    "\u{1F600}",
    "日本語",
    "\u{FFFD}",
    "\u{2028}",
    "\u{00A0}",
    "\u{FF08}",
    "𐐀",
    "\u{0}",
    "\u{1b}[31m",
    "\r",
    "\u{b}",
    "\u{c}",
    "\u{7f}",
    "\u{85}",
    "\t",
];

/// Bytes that are not UTF-8: a stray byte, a lone lead byte, a surrogate.
const INVALID_UTF8: &[&[u8]] = &[&[0xff], &[0xc3], &[0xed, 0xa0, 0x80]];

/// Mutates one set in place with 1 to 4 mutations.
pub fn mutate(rng: &mut Rng, files: &mut Vec<File>, tokens: &[Vec<u8>]) {
    let count = 1 + rng.below(4);
    for _ in 0..count {
        if files.is_empty() {
            return;
        }
        let index = rng.below(files.len());
        match rng.below(100) {
            0..=3 => rename(rng, &mut files[index]),
            4..=5 => {
                files.remove(index);
            }
            6..=7 => {
                let copy = files[index].clone();
                files.push(File {
                    path: format!("{}-copy.sql", copy.path.trim_end_matches(".sql")),
                    ..copy
                });
            }
            _ => mutate_bytes(rng, &mut files[index].bytes, tokens),
        }
    }
    for file in files.iter_mut() {
        file.bytes.truncate(MAX_FILE);
    }
}

pub fn mutate_bytes(rng: &mut Rng, bytes: &mut Vec<u8>, tokens: &[Vec<u8>]) {
    let at = rng.below(bytes.len() + 1);
    match rng.below(20) {
        0 => {
            if let Some(b) = bytes.get_mut(at) {
                *b ^= 1 << rng.below(8);
            }
        }
        1 => {
            let junk: Vec<u8> = (0..1 + rng.below(8)).map(|_| rng.next() as u8).collect();
            splice(bytes, at, &junk);
        }
        2 => {
            let end = (at + rng.size(256)).min(bytes.len());
            bytes.drain(at..end);
        }
        3 => {
            let end = (at + rng.size(512)).min(bytes.len());
            let chunk = bytes[at..end].to_vec();
            let to = rng.below(bytes.len() + 1);
            splice(bytes, to, &chunk);
        }
        4 | 5 => {
            if !tokens.is_empty() {
                let token = rng.pick(tokens).clone();
                let mut piece = vec![b' '];
                piece.extend(token);
                piece.push(b' ');
                splice(bytes, at, &piece);
            }
        }
        6 => bytes.truncate(at),
        7 => huge_repeat(rng, bytes, at),
        8 => splice(bytes, at, nesting(rng).as_bytes()),
        9 => splice(bytes, at, rng.pick(ODD).as_bytes()),
        10 => splice(bytes, 0, "\u{FEFF}".as_bytes()),
        11 => line_endings(rng, bytes),
        12 | 13 => {
            let snippet = format!("\n{}\n", rng.pick(SNIPPETS));
            splice(bytes, at, snippet.as_bytes());
        }
        14 => shuffle_statements(rng, bytes),
        15 => {
            let invalid: &[u8] = rng.pick::<&[u8]>(INVALID_UTF8);
            splice(bytes, at, invalid);
        }
        16 => bytes.clear(),
        17 => splice(bytes, at, wide_table(rng).as_bytes()),
        _ => {
            let token = rng.pick(SNIPPETS);
            splice(bytes, at, token.as_bytes());
        }
    }
}

fn splice(bytes: &mut Vec<u8>, at: usize, piece: &[u8]) {
    let at = at.min(bytes.len());
    bytes.splice(at..at, piece.iter().copied());
}

/// A chunk of the file repeated: long lines (sometimes past column 65,535),
/// many statements, many findings.
fn huge_repeat(rng: &mut Rng, bytes: &mut Vec<u8>, at: usize) {
    let end = (at + 1 + rng.below(200)).min(bytes.len());
    let mut chunk = bytes.get(at..end).unwrap_or(b" ").to_vec();
    if chunk.is_empty() {
        chunk.push(b' ');
    }
    if rng.chance(50) {
        chunk.retain(|&b| b != b'\n');
        if chunk.is_empty() {
            chunk.push(b' ');
        }
    }
    let budget = MAX_FILE.saturating_sub(bytes.len()) / 2;
    let times = rng.size(70_000).min(budget / chunk.len());
    let repeated = chunk.repeat(times);
    splice(bytes, end, &repeated);
}

/// Expressions nested up to and past the parser's recursion limit.
fn nesting(rng: &mut Rng) -> String {
    let n = rng.size(400);
    match rng.below(7) {
        0 => format!("({}1{})", "(".repeat(n), ")".repeat(n)),
        1 => format!("{}true", "NOT ".repeat(n)),
        2 => format!("{}1{}", "CASE WHEN true THEN ".repeat(n), " END".repeat(n)),
        3 => format!("{}1{}", "ARRAY[".repeat(n), "]".repeat(n)),
        4 => format!("{}1", "- ".repeat(n)),
        5 => format!(
            "SELECT * FROM {}t{};",
            "(SELECT * FROM ".repeat(n),
            ") x".repeat(n)
        ),
        _ => format!(
            "CREATE TABLE n (id BIGINT DEFAULT {}1{});",
            "(".repeat(n),
            ")".repeat(n)
        ),
    }
}

fn wide_table(rng: &mut Rng) -> String {
    let n = rng.size(20_000);
    let separator = if rng.chance(50) { " " } else { "\n  " };
    let columns: String = (0..n)
        .map(|i| format!("{separator}c{i} VARCHAR({i}),"))
        .collect();
    format!("\nCREATE TABLE wide (id SERIAL PRIMARY KEY,{columns} z TEXT);\n")
}

fn line_endings(rng: &mut Rng, bytes: &mut Vec<u8>) {
    let replacement: &[u8] = match rng.below(3) {
        0 => b"\r\n",
        1 => b"\r",
        _ => b" ",
    };
    let mut out = Vec::with_capacity(bytes.len());
    for &b in bytes.iter() {
        if b == b'\n' {
            out.extend_from_slice(replacement);
        } else {
            out.push(b);
        }
    }
    *bytes = out;
}

fn shuffle_statements(rng: &mut Rng, bytes: &mut Vec<u8>) {
    let mut parts: Vec<Vec<u8>> = bytes.split(|&b| b == b';').map(<[u8]>::to_vec).collect();
    if parts.len() < 2 {
        return;
    }
    let (a, b) = (rng.below(parts.len()), rng.below(parts.len()));
    parts.swap(a, b);
    *bytes = parts.join(&b';');
}

/// Odd file names: spaces, Unicode, control characters, no extension, a
/// version that collides, a very long name.
fn rename(rng: &mut Rng, file: &mut File) {
    let (folder, name) = match file.path.rsplit_once('/') {
        Some((folder, name)) => (format!("{folder}/"), name.to_string()),
        None => (String::new(), file.path.clone()),
    };
    let name = match rng.below(8) {
        0 => format!("{} copy.sql", name.trim_end_matches(".sql")),
        1 => "0001_日本\u{202E}.sql".to_string(),
        2 => "0001_a\u{1b}[31m\u{7}.sql".to_string(),
        3 => name.trim_end_matches(".sql").to_string(),
        4 => "0001_dup.sql".to_string(),
        5 => format!("{}.sql", "9".repeat(200)),
        6 => format!("V1__{name}"),
        _ => format!("{name}.up.sql"),
    };
    file.path = format!("{folder}{name}");
}
