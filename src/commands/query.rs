//! `hub query`: run one GraphQL document in-process and print the JSON response.

use std::io::{Read, Write};
use std::process::ExitCode;

use async_graphql::{Request, Variables};

use crate::auth::Principal;
use crate::cli::QueryArgs;
use crate::config::Settings;
use crate::db;
use crate::error::HubError;
use crate::graphql::{DefaultAsOf, build_schema};

/// Execute the query against the configured database and print the response as pretty
/// JSON on standard output. Exit code 1 when the response carries errors.
pub async fn run(settings: &Settings, args: &QueryArgs) -> Result<ExitCode, HubError> {
    let document = if args.query == "-" {
        let mut text = String::new();
        std::io::stdin().read_to_string(&mut text)?;
        text
    } else {
        args.query.clone()
    };
    let mut request = Request::new(document).data(Principal::local());
    if let Some(at) = args.as_of {
        request = request.data(DefaultAsOf(at.with_timezone(&chrono::Utc)));
    }
    if let Some(json) = &args.variables {
        request = request.variables(parse_variables(json)?);
    }

    let db = db::connect_and_migrate(settings).await?;
    let schema = build_schema(db.clone(), settings.into());
    let response = schema.execute(request).await;
    db.close().await?;

    let failed = response.is_err();
    let text = serde_json::to_string_pretty(&response)
        .map_err(|e| HubError::Internal(format!("cannot serialise the response: {e}")))?;
    let mut out = std::io::stdout().lock();
    writeln!(out, "{text}")?;
    Ok(if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

/// Parse `--variables`: a JSON object.
fn parse_variables(json: &str) -> Result<Variables, HubError> {
    let value: serde_json::Value = serde_json::from_str(json)
        .map_err(|e| HubError::BadInput(format!("--variables is not JSON: {e}")))?;
    if !value.is_object() {
        return Err(HubError::BadInput(
            "--variables must be a JSON object".to_owned(),
        ));
    }
    Ok(Variables::from_json(value))
}
