//! Snapshot tests of the intermediate tree (`bindery dump`) for the seed and
//! for a CommonMark document that uses every construct.

use bindery::options::DialectChoice;
use bindery::{BuildOptions, Report};

fn dump(inputs: &[&str], dialect: Option<DialectChoice>) -> (String, Report) {
    let mut options = BuildOptions {
        inputs: inputs.iter().map(Into::into).collect(),
        ..BuildOptions::default()
    };
    options.overrides.dialect = dialect;
    let mut report = Report::default();
    let book = bindery::load(&options, &mut report).expect("load");
    (bindery::doc::dump(&book.doc), report)
}

#[test]
fn seed_article_tree() {
    let (text, report) = dump(&["seeds/xi-putin.md"], None);
    // The seed has no front matter, so no language: the only warning.
    let messages: Vec<&str> = report
        .diagnostics
        .iter()
        .map(|d| d.message.as_str())
        .collect();
    assert_eq!(messages, ["no language given; assuming `en`"]);
    assert_eq!(report.files[0].dialect, bindery::doc::Dialect::Article);
    insta::assert_snapshot!(text);
}

#[test]
fn seed_read_as_commonmark_merges_lines() {
    // The reason the article dialect exists: CommonMark makes one paragraph
    // of the lines and the dateline quote swallows the body.
    let (text, _) = dump(&["seeds/xi-putin.md"], Some(DialectChoice::CommonMark));
    assert!(!text.contains("kicker"));
    assert!(text.contains("  quote"));
    assert!(
        text.lines()
            .filter(|l| l.trim_start().starts_with("paragraph"))
            .count()
            < 10
    );
}

#[test]
fn commonmark_constructs_tree() {
    let (text, report) = dump(&["tests/data/constructs.md"], None);
    let messages: Vec<String> = report
        .diagnostics
        .iter()
        .map(|d| d.render(&report.sources))
        .collect();
    insta::assert_snapshot!("constructs_diagnostics", messages.join("\n"));
    insta::assert_snapshot!(text);
}
