//! Stand-alone migration CLI (`cargo run -p migration -- status`), reading `DATABASE_URL`.
//! Operators normally use `confab migrate …` on the server binary instead.

#[tokio::main]
async fn main() {
    sea_orm_migration::cli::run_cli(migration::Migrator).await;
}
