//! The line that says who else is typing, as a polite live region reads it out.

use std::rc::Rc;

/// "Ann is typing…", "Ann and Bob are typing…", "Ann and 2 others are typing…"; empty when
/// nobody is. The first to start is named first: the line does not reorder as others join.
pub fn typing_line(names: &[Rc<str>]) -> String {
    let Some(first) = names.first() else {
        return String::new();
    };
    let mut line = first.to_string();
    match names.len() {
        1 => line.push_str(" is typing…"),
        2 => {
            line.push_str(" and ");
            line.push_str(&names[1]);
            line.push_str(" are typing…");
        }
        n => {
            line.push_str(" and ");
            line.push_str(&(n - 1).to_string());
            line.push_str(" others are typing…");
        }
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_two_and_many_typers() {
        let names: Vec<Rc<str>> = ["Ann", "Bob", "Cy", "Di"].map(Rc::from).to_vec();
        let cases = [
            (0, ""),
            (1, "Ann is typing…"),
            (2, "Ann and Bob are typing…"),
            (3, "Ann and 2 others are typing…"),
            (4, "Ann and 3 others are typing…"),
        ];
        for (n, line) in cases {
            assert_eq!(typing_line(&names[..n]), line, "{n} typing");
        }
    }
}
