//! The hook that owns a chat's browser glue for as long as the component is mounted.

use super::state::ChatModel;
use crate::browser::{page, Driver};
use crate::core::ws_url;
use crate::core::{EngineConfig, Event};
use std::cell::RefCell;
use std::rc::Rc;
use yew::prelude::*;

/// What the view needs: the state to render, and a way to report what the user did.
pub struct ChatHandle {
    pub model: UseReducerHandle<ChatModel>,
    pub act: Callback<Event>,
}

/// Resolves the URL (`?ws=`, then `url`, then same-origin `/ws`) and runs a [`Driver`] for it.
/// A new URL, key or config starts a new driver; the old one is dropped with its socket.
#[hook]
pub fn use_chat(
    url: Option<AttrValue>,
    storage_key: Option<AttrValue>,
    config: EngineConfig,
) -> ChatHandle {
    let model = use_reducer(ChatModel::default);
    let driver: Rc<RefCell<Option<Driver>>> = use_mut_ref(|| None);
    {
        let (model, driver) = (model.clone(), driver.clone());
        use_effect_with((url, storage_key, config), move |(url, key, config)| {
            let resolved = ws_url::resolve(
                page::query_param("ws").as_deref(),
                url.as_deref(),
                &page::origin(),
            )
            .map_err(|e| e.to_string());
            let dispatcher = model.dispatcher();
            let ui = Rc::new(move |actions| dispatcher.dispatch(actions));
            *driver.borrow_mut() =
                Some(Driver::start(resolved, key.as_deref(), config.clone(), ui));
            move || drop(driver.borrow_mut().take())
        });
    }
    let act = Callback::from(move |event: Event| {
        if let Some(d) = driver.borrow().as_ref() {
            d.handle(event);
        }
    });
    ChatHandle { model, act }
}
