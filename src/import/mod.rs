//! Importers: one module per source, turning the source's JSON into
//! entities of the model.

pub mod bill;
pub mod congress;
pub mod legiscan;
pub mod lenient;
pub mod openstates;
