//! A file's list that may be its part of one list that many files share.
//!
//! A run that reports and exits keeps each file's statements and
//! suppression comments until the suppressions are judged. Made one list
//! per file amid each file's load, they pinned pages of memory the load
//! had freed around them, which the rest of the run could not reuse or
//! give back; a large load therefore moves the lists of each part of its
//! files into one list (`share`) as the part ends, and leaves their room
//! to the next part.

use std::sync::Arc;

/// The items of one file: its own list, or `all[at..end]` (a clone
/// shares `all`).
#[derive(Clone)]
pub enum PartOf<T> {
    Own(Vec<T>),
    Shared { all: Arc<Vec<T>>, at: u32, end: u32 },
}

impl<T> PartOf<T> {
    fn own(&mut self) -> Option<&mut Vec<T>> {
        match self {
            PartOf::Own(list) => Some(list),
            PartOf::Shared { .. } => None,
        }
    }
}

impl<T> Default for PartOf<T> {
    fn default() -> Self {
        PartOf::Own(Vec::new())
    }
}

impl<T> From<Vec<T>> for PartOf<T> {
    fn from(list: Vec<T>) -> Self {
        PartOf::Own(list)
    }
}

impl<T> std::ops::Deref for PartOf<T> {
    type Target = [T];

    fn deref(&self) -> &[T] {
        match self {
            PartOf::Own(list) => list,
            PartOf::Shared { all, at, end } => all.get(*at as usize..*end as usize).unwrap_or(&[]),
        }
    }
}

impl<'a, T> IntoIterator for &'a PartOf<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

/// As the list it holds, wherever it is.
impl<T: std::fmt::Debug> std::fmt::Debug for PartOf<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(&**self, f)
    }
}

/// Moves the items of the files' own lists into one list they share, each
/// file's where they were. Empty lists stay their own (they hold no
/// memory), as do lists shared already.
pub fn share<'a, T: 'a>(lists: impl IntoIterator<Item = &'a mut PartOf<T>>) {
    let mut lists: Vec<&mut PartOf<T>> = lists
        .into_iter()
        .filter(|list| matches!(list, PartOf::Own(own) if !own.is_empty()))
        .collect();
    let total = lists.iter().map(|list| list.len()).sum();
    let mut all = Vec::with_capacity(total);
    let mut ends = Vec::with_capacity(lists.len());
    for list in &mut lists {
        if let Some(own) = list.own() {
            all.append(own);
        }
        ends.push(crate::source::narrow(all.len()));
    }
    let all = Arc::new(all);
    let mut at = 0;
    for (list, end) in lists.into_iter().zip(ends) {
        *list = PartOf::Shared {
            all: Arc::clone(&all),
            at,
            end,
        };
        at = end;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each list reads as before, whether it was shared, empty or shared
    /// already, and a clone reads as the list it was cloned from.
    #[test]
    fn shared_lists_read_as_their_own() {
        let lists = [vec![1, 2], vec![], vec![3], vec![4, 5, 6]];
        let mut parts: Vec<PartOf<i32>> = lists.iter().cloned().map(PartOf::from).collect();
        share(parts.iter_mut());
        for (part, list) in parts.iter().zip(&lists) {
            assert_eq!(&**part, &list[..]);
            assert_eq!(&*part.clone(), &list[..]);
        }
        assert!(matches!(parts[0], PartOf::Shared { .. }));
        assert!(matches!(parts[1], PartOf::Own(_)));
        let PartOf::Shared { all, .. } = &parts[3] else {
            panic!("shared");
        };
        assert_eq!(all.len(), 6);
        assert_eq!(Arc::strong_count(all), 3);
        let mut again = parts.clone();
        again.push(PartOf::from(vec![7]));
        share(again.iter_mut());
        let read: Vec<Vec<i32>> = again.iter().map(|part| part.to_vec()).collect();
        assert_eq!(read, [vec![1, 2], vec![], vec![3], vec![4, 5, 6], vec![7]]);
        assert!(matches!(&again[4], PartOf::Shared { all, .. } if all.len() == 1));
        assert_eq!(format!("{:?}", parts[3]), "[4, 5, 6]");
    }
}
