//! Every operation documents every status it can answer: its own, and the common ones the
//! plumbing answers for it (bad input, tokens, overload, timeouts, rate limits).

use serde_json::Value;

fn statuses(operation: &Value) -> Vec<String> {
    operation["responses"].as_object().map(|r| r.keys().cloned().collect()).unwrap_or_default()
}

/// What an operation must document, from what it takes.
fn required(path: &str, operation: &Value) -> Vec<&'static str> {
    let parameters = operation["parameters"].as_array().cloned().unwrap_or_default();
    let has_body = operation.get("requestBody").is_some();
    let secured = operation["security"].as_array().is_some_and(|s| !s.is_empty());
    let idempotent =
        parameters.iter().any(|p| p["name"].as_str().is_some_and(|n| n.eq_ignore_ascii_case("idempotency-key")));
    let limited =
        ["/v1/oauth/token", "/v1/staff/sessions", "/v1/sessions", "/v1/bindings", "/v1/sms-codes"].contains(&path);
    let mut wanted = vec!["408", "503"];
    if !parameters.is_empty() || has_body {
        wanted.push("400");
    }
    if secured {
        wanted.extend(["401", "403"]);
    }
    if has_body {
        wanted.extend(["413", "422"]);
    }
    if idempotent {
        wanted.extend(["400", "409"]);
    }
    if limited && has_body {
        wanted.push("429");
    }
    wanted
}

#[test]
fn every_operation_documents_the_statuses_its_inputs_and_token_can_cause() {
    let doc = serde_json::to_value(medcard::api::openapi()).unwrap();
    let mut missing = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let documented = statuses(operation);
            for status in required(path, operation) {
                if !documented.iter().any(|d| d == status) {
                    missing.push(format!("{method} {path}: {status}"));
                }
            }
            for status in &documented {
                let described = operation["responses"][status]["description"].as_str().unwrap_or("");
                assert!(!described.is_empty(), "{method} {path} {status} has no description");
            }
        }
    }
    assert!(missing.is_empty(), "undocumented statuses:\n{}", missing.join("\n"));
}

#[tokio::test]
async fn the_served_document_is_the_one_with_the_common_statuses() {
    let app = crate::helpers::TestApp::spawn().await;
    let doc = app.send(axum::http::Method::GET, "/openapi.json", None, None).await.body;
    assert_eq!(doc, serde_json::to_value(medcard::api::openapi()).unwrap());
    let me = &doc["paths"]["/v1/me"]["get"];
    assert!(statuses(me).contains(&"401".to_owned()));
    assert!(statuses(me).contains(&"503".to_owned()));
}
