//! "Did you mean …?" for misspelt names.

/// The candidate closest to `name`, if it is close enough to be a likely
/// misspelling.
pub fn closest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|candidate| (strsim::jaro_winkler(name, candidate), candidate))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, candidate)| candidate)
}

#[cfg(test)]
mod tests {
    #[test]
    fn finds_close_names() {
        let names = ["prefer-text", "prefer-timestamptz", "index-naming"];
        assert_eq!(super::closest("prefer-txt", names), Some("prefer-text"));
        assert_eq!(super::closest("index-nameing", names), Some("index-naming"));
        assert_eq!(super::closest("zzz", names), None);
    }
}
