//! A Yew counter: the baseline that ws-chat's bundle size is compared with.

use yew::prelude::*;

#[function_component]
fn Counter() -> Html {
    let count = use_state(|| 0u32);
    let onclick = {
        let count = count.clone();
        Callback::from(move |_| count.set(*count + 1))
    };
    html! { <button {onclick}>{ format!("clicked {} times", *count) }</button> }
}

fn main() {
    yew::Renderer::<Counter>::new().render();
}
