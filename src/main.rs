fn main() -> std::process::ExitCode {
    schema_lint::cli::main()
}
