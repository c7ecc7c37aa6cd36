//! [`Memo`]: values that several rules derive from the same page, computed by the first rule
//! that asks and shared with the others.
//!
//! Rules are independent functions of a [`Page`](super::Page), yet some need the same costly
//! facts (the accessible names of its links, the grids of its tables). Each such fact is a
//! type of its own; the memo keeps at most one value of each type per page. Values hold no
//! borrows of the page (node ids, not element references), so any rule module can define one
//! without the page knowing about it.

use std::any::{Any, TypeId};
use std::sync::{Arc, Mutex};

/// One value per type, computed on first use.
#[derive(Default)]
pub struct Memo {
    /// The values computed so far, by type.
    slots: Mutex<Vec<(TypeId, Arc<dyn Any + Send + Sync>)>>,
}

impl std::fmt::Debug for Memo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let count = self.slots.lock().map_or(0, |slots| slots.len());
        f.debug_struct("Memo").field("values", &count).finish()
    }
}

impl Memo {
    /// The value of type `T`, computed with `init` when this is the first request. `init`
    /// runs without a lock held, so it may itself use the memo; when two threads race, the
    /// first value stored wins and both get it.
    pub fn get_or_init<T: Any + Send + Sync>(&self, init: impl FnOnce() -> T) -> Arc<T> {
        if let Some(value) = self.find::<T>() {
            return value;
        }
        let value = Arc::new(init());
        let mut slots = self.slots.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(existing) = find_in::<T>(&slots) {
            return existing;
        }
        slots.push((TypeId::of::<T>(), value.clone()));
        value
    }

    /// The value of type `T`, if computed.
    fn find<T: Any + Send + Sync>(&self) -> Option<Arc<T>> {
        let slots = self.slots.lock().unwrap_or_else(|e| e.into_inner());
        find_in::<T>(&slots)
    }
}

/// The value of type `T` among `slots`.
fn find_in<T: Any + Send + Sync>(slots: &[(TypeId, Arc<dyn Any + Send + Sync>)]) -> Option<Arc<T>> {
    slots
        .iter()
        .find(|(id, _)| *id == TypeId::of::<T>())
        .and_then(|(_, value)| value.clone().downcast::<T>().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_value_per_type_computed_once() {
        let memo = Memo::default();
        let mut runs = 0;
        let a = memo.get_or_init(|| {
            runs += 1;
            7u32
        });
        let b = memo.get_or_init(|| {
            runs += 1;
            8u32
        });
        assert_eq!((*a, *b, runs), (7, 7, 1));
        assert_eq!(*memo.get_or_init(|| String::from("x")), "x");
        assert_eq!(*memo.get_or_init(|| 9u32), 7);
    }
}
