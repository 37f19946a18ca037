//! Subscriptions over the GraphQL websocket protocol: the token in `connection_init`, the
//! role checked per subscription, the figures at once and an upload as it lands; woken by
//! the landing (not a poll), closed when the token is revoked, limited per connection and
//! per token.

use crate::fixtures::{fixture_bytes, import};
use crate::helpers::{spawn_app, spawn_app_with};
use futures::{SinkExt, StreamExt};
use hub::auth::Role;
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// A websocket to the hub speaking `graphql-transport-ws`, initialised with `token`;
/// the server's answer to `connection_init`.
async fn connect(address: &str, token: &str) -> (Socket, Value) {
    let url = format!("{}/graphql/ws", address.replacen("http", "ws", 1));
    let mut request = url.into_client_request().expect("a request");
    request.headers_mut().insert(
        "sec-websocket-protocol",
        "graphql-transport-ws".parse().expect("a header"),
    );
    let (mut socket, _) = tokio_tungstenite::connect_async(request)
        .await
        .expect("a websocket");
    send(&mut socket, json!({ "type": "connection_init", "payload": { "Authorization": format!("Bearer {token}") } })).await;
    let answer = next(&mut socket).await;
    (socket, answer)
}

async fn send(socket: &mut Socket, message: Value) {
    socket
        .send(Message::Text(message.to_string().into()))
        .await
        .expect("sent");
}

/// The close frame's code and reason once the socket closes (messages before it skipped);
/// `None` when it ends without one.
async fn closed(socket: &mut Socket) -> Option<(u16, String)> {
    loop {
        let message = tokio::time::timeout(std::time::Duration::from_secs(20), socket.next())
            .await
            .expect("closed within 20 s");
        match message {
            Some(Ok(Message::Close(frame))) => {
                return frame.map(|f| (u16::from(f.code), f.reason.to_string()));
            }
            None | Some(Err(_)) => return None,
            Some(Ok(_)) => {}
        }
    }
}

/// Subscribes `id` to the uploads landing.
async fn subscribe_uploads(socket: &mut Socket, id: &str) {
    send(
        socket,
        json!({ "id": id, "type": "subscribe", "payload": {
        "query": "subscription { uploadLanded { unitCode } }" } }),
    )
    .await;
}

/// The id of the token named as `create_token` names it.
async fn token_id(app: &crate::helpers::TestApp, unit: &str, role: Role) -> i64 {
    hub::registry::tokens::list(&app.db)
        .await
        .expect("tokens")
        .into_iter()
        .find(|(t, _)| t.name == format!("{unit} {role} (test)"))
        .map(|(t, _)| t.id)
        .expect("the token")
}

/// The next JSON message (pings skipped); `Null` when the socket closed.
async fn next(socket: &mut Socket) -> Value {
    loop {
        let message = tokio::time::timeout(std::time::Duration::from_secs(20), socket.next())
            .await
            .expect("an answer within 20 s");
        match message {
            Some(Ok(Message::Text(text))) => {
                return serde_json::from_str(&text).expect("JSON");
            }
            Some(Ok(Message::Close(_))) | None | Some(Err(_)) => return Value::Null,
            Some(Ok(_)) => {}
        }
    }
}

#[tokio::test]
async fn dashboards_get_the_figures_and_each_landed_upload_with_their_roles_checked() {
    let app = spawn_app().await;
    import(&app.db, "police_visas.xlsx", "police").await;
    let leader = app.token("fao", Role::Leader).await;
    let uploader = app.token("education", Role::Uploader).await;

    let (mut socket, ack) = connect(&app.address, &leader).await;
    assert_eq!(ack["type"], "connection_ack", "{ack}");
    send(
        &mut socket,
        json!({ "id": "f", "type": "subscribe", "payload": {
        "query": "subscription { figuresChanged { knownPeople presentPeople } }" } }),
    )
    .await;
    let first = next(&mut socket).await;
    assert_eq!(first["type"], "next", "{first}");
    let known = first["payload"]["data"]["figuresChanged"]["knownPeople"]
        .as_i64()
        .expect("a count");
    assert!(known > 0);
    send(
        &mut socket,
        json!({ "id": "u", "type": "subscribe", "payload": {
        "query": "subscription { uploadLanded { unitCode kind acceptedRows } }" } }),
    )
    .await;
    // Give the subscription its starting point before the upload lands.
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    import(&app.db, "education_students.xlsx", "education").await;
    let (mut landed, mut changed) = (Value::Null, Value::Null);
    while landed.is_null() || changed.is_null() {
        let message = next(&mut socket).await;
        assert_eq!(message["type"], "next", "{message}");
        match message["id"].as_str() {
            Some("u") => landed = message["payload"]["data"]["uploadLanded"].clone(),
            Some("f") => changed = message["payload"]["data"]["figuresChanged"].clone(),
            _ => panic!("{message}"),
        }
    }
    assert_eq!(landed["unitCode"], "education");
    assert!(landed["acceptedRows"].as_i64().is_some_and(|n| n > 0));
    // Sent again because the store changed (the students are known from the visa list
    // already: the count need not grow).
    assert!(changed["knownPeople"].as_i64() >= Some(known), "{changed}");

    // An uploader may not read the city's figures.
    let (mut socket, ack) = connect(&app.address, &uploader).await;
    assert_eq!(ack["type"], "connection_ack");
    send(
        &mut socket,
        json!({ "id": "f", "type": "subscribe", "payload": {
        "query": "subscription { figuresChanged { knownPeople } }" } }),
    )
    .await;
    let refused = next(&mut socket).await;
    assert!(refused["payload"]["data"].is_null(), "{refused}");
    assert_eq!(
        refused["payload"]["errors"][0]["extensions"]["code"], "FORBIDDEN",
        "{refused}"
    );

    // No live token: no connection.
    let (_, refused) = connect(&app.address, "hub_not_a_token").await;
    assert_ne!(refused["type"], "connection_ack", "{refused}");
}

#[tokio::test]
async fn a_landing_wakes_the_subscriptions_at_once_without_waiting_for_a_poll() {
    // The fallback look at the store is ten minutes away: only the landing's wake-up can
    // deliver within the test's 20 s.
    let app = spawn_app_with(|s| s.graphql.subscription_fallback_secs = 600).await;
    import(&app.db, "police_visas.xlsx", "police").await;
    let analyst = app.token("fao", Role::Analyst).await;
    let (mut socket, ack) = connect(&app.address, &analyst).await;
    assert_eq!(ack["type"], "connection_ack", "{ack}");
    send(
        &mut socket,
        json!({ "id": "f", "type": "subscribe", "payload": {
        "query": "subscription { figuresChanged { knownPeople } }" } }),
    )
    .await;
    let first = next(&mut socket).await;
    assert_eq!(first["id"], "f", "{first}");
    subscribe_uploads(&mut socket, "u").await;
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    // Uploaded through this hub, as a unit would: its landing tells the hub's waiters.
    let uploader = app.token("education", Role::Uploader).await;
    let name = "education_students.xlsx";
    let uploaded = app
        .upload_file(&uploader, &[], name, &fixture_bytes(name))
        .await;
    assert_eq!(
        uploaded.status,
        axum::http::StatusCode::OK,
        "{}",
        uploaded.body
    );
    let (mut landed, mut changed) = (false, false);
    while !(landed && changed) {
        let message = next(&mut socket).await;
        assert_eq!(message["type"], "next", "{message}");
        landed |= message["id"] == "u";
        changed |= message["id"] == "f";
    }
}

#[tokio::test]
async fn a_revoked_token_closes_its_subscription_connection() {
    let app = spawn_app_with(|s| s.graphql.subscription_fallback_secs = 1).await;
    let analyst = app.token("fao", Role::Analyst).await;
    let (mut socket, ack) = connect(&app.address, &analyst).await;
    assert_eq!(ack["type"], "connection_ack", "{ack}");
    subscribe_uploads(&mut socket, "u").await;
    let id = token_id(&app, "fao", Role::Analyst).await;
    hub::registry::tokens::revoke(&app.db, id, chrono::Utc::now())
        .await
        .expect("revoked");
    let (code, reason) = closed(&mut socket).await.expect("a close frame");
    assert_eq!(code, 4401, "{reason}");
    assert!(reason.contains("revoked"), "{reason}");
    // And it cannot come back.
    let (_, refused) = connect(&app.address, &analyst).await;
    assert_ne!(refused["type"], "connection_ack", "{refused}");
}

#[tokio::test]
async fn subscriptions_are_limited_per_connection_and_connections_per_token() {
    let app = spawn_app_with(|s| {
        s.graphql.subscriptions_per_connection = 2;
        s.graphql.connections_per_token = 1;
    })
    .await;
    let analyst = app.token("fao", Role::Analyst).await;
    let (mut socket, ack) = connect(&app.address, &analyst).await;
    assert_eq!(ack["type"], "connection_ack", "{ack}");
    // A subscription takes its place when it starts: one after the other.
    let settle = || tokio::time::sleep(std::time::Duration::from_millis(300));
    subscribe_uploads(&mut socket, "a").await;
    subscribe_uploads(&mut socket, "b").await;
    settle().await;
    subscribe_uploads(&mut socket, "c").await;
    let refused = next(&mut socket).await;
    assert_eq!(refused["id"], "c", "{refused}");
    assert_eq!(
        refused["payload"]["errors"][0]["extensions"]["code"], "TOO_MANY_SUBSCRIPTIONS",
        "{refused}"
    );
    // One ended by the client: its place is free again.
    send(&mut socket, json!({ "id": "a", "type": "complete" })).await;
    settle().await;
    subscribe_uploads(&mut socket, "d").await;
    settle().await;
    send(
        &mut socket,
        json!({ "id": "e", "type": "subscribe", "payload": {
        "query": "subscription { figuresChanged { knownPeople } }" } }),
    )
    .await;
    // "e" is the third again: refused; "d" took "a"'s place (no error for it).
    loop {
        let message = next(&mut socket).await;
        if message["id"] == "e" && message["type"] == "next" {
            assert_eq!(
                message["payload"]["errors"][0]["extensions"]["code"], "TOO_MANY_SUBSCRIPTIONS",
                "{message}"
            );
            break;
        }
        assert_ne!(message["id"], "d", "{message}");
    }
    // A second connection of the same token is refused while the first is open.
    let (mut second, refused) = connect(&app.address, &analyst).await;
    assert_ne!(refused["type"], "connection_ack", "{refused}");
    drop(second.close(None).await);
    drop(socket.close(None).await);
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    let (_, ack) = connect(&app.address, &analyst).await;
    assert_eq!(ack["type"], "connection_ack", "{ack}");
}
