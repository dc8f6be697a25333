// Print button.
