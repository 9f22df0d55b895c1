//! The Federal Register.
