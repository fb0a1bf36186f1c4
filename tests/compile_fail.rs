//! What must not compile in the typed expression language (trybuild UI tests).

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/*.rs");
}
