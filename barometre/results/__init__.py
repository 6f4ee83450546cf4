"""The published results of the survey: the indicators of the report (`indicators`), computed for any
edition (`figures`), drawn (`charts`), shown on the barometer pages (`views`), downloaded as open data
(`opendata`, `exports`) and served by the API (`api`); `urls` routes all three; `demo_editions` and
`demo_survey` load the demonstration editions; `signals` keeps the cached figures current."""
