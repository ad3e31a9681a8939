use super::*;

/// [`resolve`] with the chat's own URLs as markup gives them: text, or nothing.
fn resolve_text(
    query: Option<&str>,
    query_url: QueryUrl,
    given: Option<&str>,
    page: &PageOrigin,
) -> Result<ServerList, UrlError> {
    resolve(
        query,
        query_url,
        &ServerUrls::from(given.unwrap_or_default()),
        page,
    )
}

/// The one URL of a list that must hold exactly one.
fn one(list: Result<ServerList, UrlError>) -> Result<String, UrlError> {
    list.map(|l| {
        assert_eq!(l.urls().len(), 1, "{l:?}");
        l.urls()[0].clone()
    })
}

fn page(protocol: &str) -> PageOrigin {
    PageOrigin {
        protocol: protocol.into(),
        host: "chat.example:8080".into(),
    }
}

#[test]
fn precedence_query_then_attribute_then_same_origin() {
    let http = page("http:");
    let cases: [(Option<&str>, Option<&str>, &PageOrigin, &str); 7] = [
        (Some("ws://q/ws"), Some("ws://a/ws"), &http, "ws://q/ws"),
        (None, Some("ws://a/ws"), &http, "ws://a/ws"),
        (Some(""), Some("ws://a/ws"), &http, "ws://a/ws"),
        (Some("  "), None, &http, "ws://chat.example:8080/ws"),
        (None, None, &http, "ws://chat.example:8080/ws"),
        (None, None, &page("https:"), "wss://chat.example:8080/ws"),
        (
            None,
            Some("/ws?room=x"),
            &page("https:"),
            "wss://chat.example:8080/ws?room=x",
        ),
    ];
    for (query, attribute, page, want) in cases {
        assert_eq!(
            one(resolve_text(query, QueryUrl::Honoured, attribute, page)).as_deref(),
            Ok(want),
            "{query:?} {attribute:?}"
        );
    }
}

#[test]
fn the_query_is_ignored_unless_honoured() {
    let http = page("http:");
    let cases = [
        (QueryUrl::Ignored, Some("ws://a/ws"), "ws://a/ws"),
        (QueryUrl::Ignored, None, "ws://chat.example:8080/ws"),
        (QueryUrl::Honoured, Some("ws://a/ws"), "ws://q/ws"),
        (QueryUrl::Honoured, None, "ws://q/ws"),
    ];
    for (query_url, attribute, want) in cases {
        let got = one(resolve_text(Some("ws://q/ws"), query_url, attribute, &http));
        assert_eq!(got.as_deref(), Ok(want), "{query_url:?} {attribute:?}");
    }
    // An ignored query is not even checked: a bad one cannot break the chat.
    let got = one(resolve_text(
        Some("javascript:alert(1)"),
        QueryUrl::Ignored,
        None,
        &http,
    ));
    assert_eq!(got.as_deref(), Ok("ws://chat.example:8080/ws"));
}

#[test]
fn accepted_forms() {
    let cases = [
        ("ws://localhost:8080", "ws://localhost:8080"),
        ("WSS://h/p?q=1", "wss://h/p?q=1"),
        ("http://h:1/ws", "ws://h:1/ws"),
        ("https://h", "wss://h"),
        ("ws://[::1]:9001/ws", "ws://[::1]:9001/ws"),
    ];
    for (input, want) in cases {
        assert_eq!(
            one(resolve_text(
                Some(input),
                QueryUrl::Honoured,
                None,
                &page("http:")
            ))
            .as_deref(),
            Ok(want)
        );
    }
}

#[test]
fn invalid_urls_are_errors_with_a_readable_message() {
    let cases = [
        "localhost:9001",
        "ftp://h/ws",
        "ws://",
        "ws:///path",
        "ws://:80/x",
        "ws://h/ws#frag",
        "not a url",
        "//h/ws",
    ];
    for input in cases {
        let err =
            resolve_text(Some(input), QueryUrl::Honoured, None, &page("http:")).expect_err(input);
        assert!(
            err.to_string().starts_with("invalid WebSocket URL"),
            "{err}"
        );
    }
}

fn urls(list: Result<ServerList, UrlError>) -> Result<Vec<String>, String> {
    list.map(|l| l.urls().to_vec()).map_err(|e| e.to_string())
}

#[test]
fn a_list_is_split_on_whitespace_normalised_and_deduplicated() {
    let cases: [(&str, &[&str]); 6] = [
        ("ws://a/ws ws://b/ws", &["ws://a/ws", "ws://b/ws"]),
        (
            "\n  wss://a/ws\thttps://b:8443/ws  /ws ",
            &["wss://a/ws", "wss://b:8443/ws", "ws://chat.example:8080/ws"],
        ),
        // The same server twice, also when spelled differently, is tried once.
        (
            "ws://a/ws http://a/ws WS://a/ws ws://b/ws",
            &["ws://a/ws", "ws://b/ws"],
        ),
        (
            "/ws ws://chat.example:8080/ws",
            &["ws://chat.example:8080/ws"],
        ),
        ("ws://b/ws ws://a/ws", &["ws://b/ws", "ws://a/ws"]),
        ("ws://h /ws", &["ws://h", "ws://chat.example:8080/ws"]),
    ];
    for (input, want) in cases {
        let got = urls(resolve_text(
            None,
            QueryUrl::Ignored,
            Some(input),
            &page("http:"),
        ));
        let want: Vec<String> = want.iter().map(|s| s.to_string()).collect();
        assert_eq!(got, Ok(want), "{input:?}");
    }
}

#[test]
fn a_query_may_hold_a_list_too() {
    let got = resolve_text(
        Some("ws://q1/ws ws://q2/ws"),
        QueryUrl::Honoured,
        Some("ws://a/ws"),
        &page("http:"),
    );
    assert_eq!(
        urls(got),
        Ok(vec!["ws://q1/ws".to_owned(), "ws://q2/ws".to_owned()])
    );
}

#[test]
fn a_bad_url_in_a_list_is_named() {
    let cases = [
        (
            "ws://a/ws ftp://b/ws",
            "\"ftp://b/ws\": it must start with ws://",
        ),
        ("ws://a/ws ws:///x ws://c/ws", "\"ws:///x\": no host"),
        ("ws://a/ws#f ws://b/ws", "\"ws://a/ws#f\": a #fragment"),
    ];
    for (input, want) in cases {
        let err = urls(resolve_text(
            None,
            QueryUrl::Ignored,
            Some(input),
            &page("http:"),
        ))
        .expect_err(input);
        assert!(err.contains(want), "{input}: {err}");
    }
}

#[test]
fn at_most_max_servers_different_urls() {
    let list = |n: usize| {
        (0..n)
            .map(|i| format!("ws://h{i}/ws"))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let at_cap = resolve_text(
        None,
        QueryUrl::Ignored,
        Some(&list(MAX_SERVERS)),
        &page("http:"),
    );
    assert_eq!(at_cap.map(|l| l.urls().len()), Ok(MAX_SERVERS));
    // Duplicates do not count against the cap.
    let repeated = format!("{} {}", list(MAX_SERVERS), list(MAX_SERVERS));
    let got = resolve_text(None, QueryUrl::Ignored, Some(&repeated), &page("http:"));
    assert_eq!(got.map(|l| l.urls().len()), Ok(MAX_SERVERS));
    let over = resolve_text(
        None,
        QueryUrl::Ignored,
        Some(&list(MAX_SERVERS + 1)),
        &page("http:"),
    );
    let err = over.expect_err("one over the cap").to_string();
    assert_eq!(
        err,
        format!("too many WebSocket URLs: at most {MAX_SERVERS} servers, \"ws://h{MAX_SERVERS}/ws\" is one more")
    );
}

#[test]
fn a_huge_url_is_shortened_in_the_message() {
    let huge = format!("ftp://{}", "x".repeat(100_000));
    let err = resolve_text(None, QueryUrl::Ignored, Some(&huge), &page("http:")).expect_err("bad");
    assert!(err.to_string().len() < 200, "{}", err.to_string().len());
}

#[test]
fn a_server_is_labelled_by_its_host_and_port() {
    let cases = [
        ("ws://127.0.0.1:9102/ws", "127.0.0.1:9102"),
        ("wss://b.example/ws?room=x", "b.example"),
        ("wss://user:secret@b.example:8443/ws", "b.example:8443"),
        ("ws://[::1]:9001", "[::1]:9001"),
        ("ws://h?x=1", "h"),
    ];
    for (url, want) in cases {
        assert_eq!(server_label(url), want, "{url}");
    }
}

#[test]
fn a_refusal_wins_and_errors_are_words() {
    let http = page("http:");
    let given = ServerUrls::from("ws://a/ws");
    let refused = choose(Some("bad option"), None, QueryUrl::Honoured, &given, &http);
    assert_eq!(refused, Err("bad option".to_owned()));
    let bad = choose(
        None,
        None,
        QueryUrl::Honoured,
        &ServerUrls::from("ftp://x"),
        &http,
    );
    assert!(bad
        .expect_err("bad scheme")
        .starts_with("invalid WebSocket URL"));
    let fine = choose(None, Some("ws://q/ws"), QueryUrl::Ignored, &given, &http);
    assert_eq!(
        fine.map(|l| l.urls().to_vec()),
        Ok(vec!["ws://a/ws".to_owned()])
    );
}

#[test]
fn the_outbox_is_saved_under_the_key_or_the_urls() {
    let two: Result<ServerList, String> = Ok(ServerList {
        urls: vec!["ws://a/ws".into(), "ws://b/ws".into()],
    });
    let one: Result<ServerList, String> = Ok(ServerList::from("ws://a/ws"));
    let none: Result<ServerList, String> = Err("no".into());
    let cases = [
        (Some("mine"), &two, "mine"),
        (None, &two, "ws://a/ws ws://b/ws"),
        (None, &one, "ws://a/ws"),
        (None, &none, ""),
        (Some("mine"), &none, "mine"),
    ];
    for (explicit, servers, expected) in cases {
        assert_eq!(
            storage_key(explicit, servers),
            expected,
            "{explicit:?} {servers:?}"
        );
    }
}

#[test]
fn server_urls_split_text_and_lists_alike() {
    let cases: [(ServerUrls, &[&str]); 5] = [
        (ServerUrls::from(""), &[]),
        (
            ServerUrls::from("  ws://a/ws \n ws://b/ws "),
            &["ws://a/ws", "ws://b/ws"],
        ),
        (ServerUrls::from(vec!["ws://a/ws", " "]), &["ws://a/ws"]),
        (
            ServerUrls::from(["ws://a/ws ws://b/ws"]),
            &["ws://a/ws", "ws://b/ws"],
        ),
        (
            ServerUrls::new().and("ws://a/ws").and("ws://b/ws"),
            &["ws://a/ws", "ws://b/ws"],
        ),
    ];
    for (urls, expected) in cases {
        assert_eq!(urls.as_slice(), expected);
    }
}
