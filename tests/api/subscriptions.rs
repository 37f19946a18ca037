//! Subscriptions over the GraphQL websocket protocol: the token in `connection_init`, the
//! role checked per subscription, the figures at once and an upload as it lands.

use crate::fixtures::import;
use crate::helpers::spawn_app;
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
