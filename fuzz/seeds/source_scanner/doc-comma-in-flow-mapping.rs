/// A user logged in.
pub struct LoggedIn {
    /// Set for admins, otherwise unset
    pub admin: bool,
    /// Retries, if any, before it worked
    pub retries: u32,
}
