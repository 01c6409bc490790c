"""Importers: export files of other feedback tools (GitHub issues, Fider, Canny, UserVoice, any
spreadsheet) read into one neutral form (`ideas.Idea`), which `writer` turns into records."""
