"""The catalogue's pages: public (`public`), the supplier's own (`supplier`), the purchasing body's (`review`)."""
