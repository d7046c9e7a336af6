//! Several centres: the figures an anonymised file leaves to the activity
//! report are its site's. `report_figures` (keyed by year, month, figure,
//! item) becomes `site_report_figures`, keyed by the site first; the kept
//! figures of an installation are the first site's
//! (`nido_domain::site::FIRST_SITE`, written here as its value).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

/// `nido_domain::site::FIRST_SITE`.
const FIRST_SITE: uuid::Uuid = uuid::Uuid::from_u128(0x0000_0000_0000_7000_8000_0000_0000_0001);

#[derive(Clone, Copy, DeriveIden)]
enum ReportFigures {
    Table,
    Year,
    Month,
    Figure,
    Item,
    Value,
}

#[derive(Clone, Copy, DeriveIden)]
enum SiteReportFigures {
    Table,
    SiteId,
}

transactional_up!(|manager| {
    manager
        .create_table(
            Table::create()
                .table(SiteReportFigures::Table)
                .col(uuid(SiteReportFigures::SiteId))
                .col(integer(ReportFigures::Year))
                .col(integer(ReportFigures::Month))
                .col(string_len(ReportFigures::Figure, 40))
                .col(string_len(ReportFigures::Item, 200))
                .col(big_integer(ReportFigures::Value))
                .primary_key(
                    Index::create()
                        .col(SiteReportFigures::SiteId)
                        .col(ReportFigures::Year)
                        .col(ReportFigures::Month)
                        .col(ReportFigures::Figure)
                        .col(ReportFigures::Item),
                )
                .to_owned(),
        )
        .await?;
    let columns = [
        ReportFigures::Year,
        ReportFigures::Month,
        ReportFigures::Figure,
        ReportFigures::Item,
        ReportFigures::Value,
    ];
    manager
        .exec_stmt(
            Query::insert()
                .into_table(SiteReportFigures::Table)
                .columns(
                    [SiteReportFigures::SiteId.into_iden()]
                        .into_iter()
                        .chain(columns.iter().map(|column| column.into_iden())),
                )
                .select_from(
                    Query::select()
                        .expr(Expr::val(FIRST_SITE))
                        .columns(columns)
                        .from(ReportFigures::Table)
                        .to_owned(),
                )
                .map_err(|err| DbErr::Custom(err.to_string()))?
                .to_owned(),
        )
        .await?;
    manager
        .drop_table(Table::drop().table(ReportFigures::Table).to_owned())
        .await
});
