-- The recipients the monthly report of a month was already sent to (the report's sent log).
select recipient from report_log where month = $month and status = 'sent'
