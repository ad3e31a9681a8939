//! What the browser glue calls in the core, named once for native builds.
//!
//! The glue (web-sys) is compiled for the browser only, so natively the core's entry points
//! that only it calls would count as dead code. Naming them here keeps them, and what they
//! reach, alive natively, while anything nothing reaches is still reported. The wasm build,
//! which has the glue and not this list, reports anything kept here for nothing.

use crate::core::boundary::SavedMessage;
use crate::core::delivery::saved_outbox::{adopt, OutboxKeys, SavedOutbox};
use crate::core::embed_options::{attribute_names, EmbedOptions, ScriptValue, MAX_LIST_ITEMS};
use crate::core::engine::Engine;
use crate::core::reconnect::close_code::script_close;
use crate::core::servers::{choose, storage_key, PageOrigin};
use crate::core::view::entry::{clock_time, failed_action_labels};
use crate::core::view::pacing::{is_urgent, RenderPacing};
use crate::core::view::presence_line::{
    badged_title, presence_detail, presence_line, unread_detail,
};
use crate::core::view::status::{details_text, StatusView};
use crate::core::view::typing_line::typing_line;

#[allow(dead_code)]
fn entry_points() {
    let _ = (
        Engine::new,
        Engine::handle,
        Engine::handle_timeout,
        Engine::poll_effect,
        Engine::poll_timeout,
        |e: Engine, known: fn(&str) -> bool| e.with_remembered_handshakes(known),
        SavedOutbox::to_json,
        adopt,
        OutboxKeys::new,
        OutboxKeys::own,
        OutboxKeys::is_other_tab,
        |id, text, at| SavedMessage { id, text, at },
    );
    let _ = (
        |prefix, get: fn(&str) -> Option<String>| EmbedOptions::from_attributes(prefix, get),
        |pairs: Vec<(String, ScriptValue)>| EmbedOptions::from_script(pairs),
        EmbedOptions::engine_config,
        EmbedOptions::display_config,
        EmbedOptions::token_source,
        MAX_LIST_ITEMS,
        attribute_names,
    );
    let _ = (
        choose,
        storage_key,
        |protocol, host| PageOrigin { protocol, host },
        script_close,
        clock_time,
        failed_action_labels,
        details_text,
        StatusView::signed_in_as,
        is_urgent,
        RenderPacing::updated,
        RenderPacing::frame,
        typing_line,
        presence_line,
        presence_detail,
    );
    let _ = (unread_detail, badged_title);
}
