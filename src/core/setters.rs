//! Builder-style setters for settings structs.
//!
//! Settings are `#[non_exhaustive]`, so a new setting is not a breaking change: callers start
//! from `Default` and change what they need (`DisplayConfig::default().keep(5_000)`), as
//! leptos-use's options do. Each setter has the name of the field it sets, and means the same.

/// `setters!(Type { field: FieldType, … });` gives `Type` a `#[must_use]` method per field
/// that returns `self` with that field set.
macro_rules! setters {
    ($type:ident { $($field:ident : $value:ty),* $(,)? }) => {
        impl $type {
            $(
                #[doc = concat!("Sets [`", stringify!($field), "`](Self::", stringify!($field), ").")]
                #[must_use]
                pub fn $field(mut self, $field: $value) -> Self {
                    self.$field = $field;
                    self
                }
            )*
        }
    };
}

pub(crate) use setters;
