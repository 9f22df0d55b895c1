//! Importers: one module per source, turning the source's JSON into
//! entities of the model.

pub mod bill;
