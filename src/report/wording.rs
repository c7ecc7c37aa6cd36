//! Counts in words: "1 other page", "3 other pages", never "page(s)".

/// `one` when `n` is 1, `many` otherwise.
pub fn plural<'a>(n: usize, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 { one } else { many }
}

/// `n` followed by the noun that agrees with it: `counted(1, "page", "pages")` is "1 page".
pub fn counted(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", plural(n, one, many))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_noun_agrees_with_the_count() {
        assert_eq!(counted(0, "other page", "other pages"), "0 other pages");
        assert_eq!(counted(1, "other page", "other pages"), "1 other page");
        assert_eq!(counted(3, "other page", "other pages"), "3 other pages");
        assert_eq!(plural(1, "has", "have"), "has");
        assert_eq!(plural(2, "has", "have"), "have");
    }
}
