//! Values only the browser keeps: a live connection, the widget's listener, anything holding
//! browser objects. They stay on the thread that made them (Leptos's local storage). The
//! server keeps none: a value kept there would be dropped by whichever worker thread ends the
//! request, which local storage forbids, and the server never runs the actions that use it.

/// A value only the browser keeps. Cheap to copy.
#[cfg(feature = "browser")]
pub struct Local<T: 'static>(leptos::prelude::StoredValue<T, leptos::prelude::LocalStorage>);

/// A value only the browser keeps: on the server, nothing. Cheap to copy.
#[cfg(not(feature = "browser"))]
pub struct Local<T: 'static>(std::marker::PhantomData<fn() -> T>);

impl<T: 'static> Clone for Local<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: 'static> Copy for Local<T> {}

#[cfg(feature = "browser")]
impl<T: Default + 'static> Local<T> {
    /// Keeps `T::default()`, owned by the current reactive owner.
    pub fn new() -> Self {
        Self(leptos::prelude::StoredValue::new_local(T::default()))
    }

    /// Reads the value.
    pub fn with<U>(&self, read: impl FnOnce(&T) -> U) -> U {
        use leptos::prelude::WithValue;
        self.0.with_value(read)
    }

    /// Changes the value.
    pub fn update(&self, change: impl FnOnce(&mut T)) {
        use leptos::prelude::UpdateValue;
        self.0.update_value(change);
    }
}

#[cfg(not(feature = "browser"))]
impl<T: Default + 'static> Local<T> {
    /// Keeps nothing.
    pub fn new() -> Self {
        Self(std::marker::PhantomData)
    }

    /// Reads the value: a fresh default, since the server keeps none.
    pub fn with<U>(&self, read: impl FnOnce(&T) -> U) -> U {
        read(&T::default())
    }

    /// Changes the value: nothing to change on the server.
    pub fn update(&self, _change: impl FnOnce(&mut T)) {}
}

impl<T: Default + 'static> Default for Local<T> {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(all(test, not(feature = "browser")))]
mod tests {
    use std::rc::Rc;

    use super::Local;

    #[test]
    fn the_server_keeps_nothing_so_no_thread_can_drop_it() {
        let kept: Local<Option<Rc<Vec<i32>>>> = Local::new();
        kept.update(|slot| *slot = Some(Rc::new(vec![1, 2, 3])));
        assert!(kept.with(Option::is_none));
        // Copies share the (absent) value, and may move to any thread.
        let copy = kept;
        std::thread::spawn(move || assert!(copy.with(Option::is_none)))
            .join()
            .expect("another thread");
    }
}
