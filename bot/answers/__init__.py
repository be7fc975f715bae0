"""What `/rounds <word>` answers and what the App Home shows, per capability: given who asks (their
roster profile), read through the domain and build the reply. Shared by listeners; never a listener."""
