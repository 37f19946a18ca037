//! `hub template`: a blank xlsx template of a source kind, or the list of kinds.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use importers::SourceKind;

use crate::cli::TemplateArgs;
use crate::commands::units::display_width;
use crate::error::HubError;

/// Write the template of `args.kind` to `args.output` (default `KIND.xlsx`), or list the
/// kinds when `--list` is given or no kind is.
pub fn run(args: &TemplateArgs) -> Result<ExitCode, HubError> {
    let kind = match (args.list, args.kind) {
        (false, Some(kind)) => kind,
        _ => {
            std::io::stdout().lock().write_all(kind_list().as_bytes())?;
            return Ok(ExitCode::SUCCESS);
        }
    };
    let bytes = importers::template_xlsx(kind)
        .map_err(|e| HubError::Internal(format!("cannot write the template: {e}")))?;
    let path = args
        .output
        .clone()
        .unwrap_or_else(|| PathBuf::from(format!("{}.xlsx", kind.as_str())));
    super::write_output(&path, &bytes)?;
    writeln!(
        std::io::stdout().lock(),
        "已生成“{}”模板 / wrote the {} template: {}",
        kind.label_zh(),
        kind.as_str(),
        path.display()
    )?;
    Ok(ExitCode::SUCCESS)
}

/// One line per kind: its identifier and its Chinese label, aligned.
pub fn kind_list() -> String {
    let width = SourceKind::ALL
        .iter()
        .map(|k| display_width(k.as_str()))
        .max()
        .unwrap_or(0);
    SourceKind::ALL
        .iter()
        .map(|k| format!("{:width$}  {}\n", k.as_str(), k.label_zh()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_names_every_kind_with_its_label() {
        let list = kind_list();
        assert_eq!(list.lines().count(), SourceKind::ALL.len());
        assert!(list.contains("visa_registry"));
        assert!(list.contains("外国人签证登记"));
    }
}
