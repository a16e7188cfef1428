"""Jobs: term-end, render, disclose. They compose the steps; no click here."""
