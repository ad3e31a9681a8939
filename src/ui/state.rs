//! The chat state as a Yew `Reducible`: a thin shell over [`ChatState::apply`], no side effects.

use crate::core::chat_state::{ChatAction, ChatState};
use std::rc::Rc;
use yew::Reducible;

#[derive(Debug, Default, PartialEq)]
pub struct ChatModel(pub ChatState);

impl Reducible for ChatModel {
    /// One batch per engine step, so a burst of changes renders once.
    type Action = Vec<ChatAction>;

    fn reduce(self: Rc<Self>, actions: Self::Action) -> Rc<Self> {
        let mut state = self.0.clone();
        for action in actions {
            state.apply(action);
        }
        Rc::new(Self(state))
    }
}
