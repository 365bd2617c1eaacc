/// Events, sent one at a time: see below
pub enum Event {
    /// Started: yes, or no
    Started {
        /// Whether a config, if any, was found
        config_found: bool,
    },
    /// # Stopped
    Stopped {
        /// - how long, in seconds
        seconds: u64,
        /// The reason: free text
        reason: String,
    },
}
