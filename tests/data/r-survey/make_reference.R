# Writes the data and the computed reference values in this folder (see README.md).
# Run with R and the survey package: Rscript make_reference.R
library(survey)
stopifnot(packageVersion("survey") == "4.1.1")
num <- function(x) sprintf("%.17g", x)

data(election)
write.csv(election_pps[, c("County", "Bush", "Kerry", "Nader", "votes", "p")],
          "election_pps.csv", row.names = FALSE)

# Computed from the files as written, so that the tests read exactly the same numbers.
election_pps <- read.csv("election_pps.csv")

data(api)
apistrat$sch_wide_yes <- as.integer(apistrat$sch.wide == "Yes")
write.csv(apistrat[, c("snum", "stype", "awards", "sch_wide_yes", "api00", "api99", "enroll", "pw")],
          "apistrat.csv", row.names = FALSE)
apipop_stype <- apipop$stype
apipop_awards <- apipop$awards
apistrat <- read.csv("apistrat.csv")

lines <- c()
add <- function(name, estimate, se = NA) {
  lines <<- c(lines, paste(name, num(estimate), if (is.na(se)) "" else num(se), sep = ","))
}

# With-replacement, one stage, no strata, no finite population correction: teilhabe's design.
dppswr <- svydesign(id = ~1, probs = ~p, data = election_pps)
t <- svytotal(~Bush + Kerry + Nader, dppswr)
for (v in c("Bush", "Kerry", "Nader")) add(paste0("election_total_", v), coef(t)[[v]], SE(t)[[v]])

d <- svydesign(id = ~1, weights = ~pw, data = apistrat)
for (v in c("api00", "enroll", "sch_wide_yes")) {
  m <- svymean(as.formula(paste0("~", v)), d)
  add(paste0("apistrat_mean_", v), coef(m)[[1]], SE(m)[[1]])
}
for (v in c("api00", "sch_wide_yes")) {
  by <- svyby(as.formula(paste0("~", v)), ~stype, d, svymean)
  for (i in seq_len(nrow(by))) {
    add(paste0("apistrat_mean_", v, "_stype_", by$stype[i]), coef(by)[[i]], SE(by)[[i]])
  }
}

# Raking to the population margins of school type and awards (from apipop).
pop_types <- as.data.frame(table(stype = apipop_stype))
pop_awards <- as.data.frame(table(awards = apipop_awards))
for (i in seq_len(nrow(pop_types))) add(paste0("margin_stype_", pop_types$stype[i]), pop_types$Freq[i])
for (i in seq_len(nrow(pop_awards))) add(paste0("margin_awards_", pop_awards$awards[i]), pop_awards$Freq[i])
raked <- rake(d, list(~stype, ~awards), list(pop_types, pop_awards), control = list(maxit = 100, epsilon = 1e-12))
w <- weights(raked)
for (i in seq_along(w)) add(paste0("raked_weight_", apistrat$snum[i]), w[[i]])
m <- svymean(~api00, raked)
add("raked_mean_api00", coef(m)[[1]])

writeLines(c("name,estimate,standard_error", lines), "computed_with_r_survey_4.1.1.csv")
