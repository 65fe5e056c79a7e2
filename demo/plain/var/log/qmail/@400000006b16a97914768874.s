@400000006b02e75a00000000 status: local 0/10 remote 0/20
@400000006b02e8fe00000000 new msg 918150
@400000006b02e8fe000f4240 info msg 918150: bytes 1650 from <dave@example.net> qp 6101 uid 7791
@400000006b02e8fe004c4b40 starting delivery 1: msg 918150 to local alice@example.com
@400000006b02e8fe004c4b40 status: local 1/10 remote 0/20
@400000006b02e8fe093d1cc0 delivery 1: success: did_1+0+0/
@400000006b02e8fe093d1cc0 status: local 0/10 remote 0/20
@400000006b02e8fe17d78400 end msg 918150
@400000006b02eaa200000000 new msg 918151
@400000006b02eaa2000f4240 info msg 918151: bytes 1651 from <perl-digest@lists.perl.example> qp 6102 uid 7791
@400000006b02eaa2004c4b40 starting delivery 2: msg 918151 to local alice-lists-info@lists.example.com
@400000006b02eaa2004c4b40 status: local 1/10 remote 0/20
@400000006b02eaa2093d1cc0 delivery 2: success: did_1+0+0/
@400000006b02eaa2093d1cc0 status: local 0/10 remote 0/20
@400000006b02eaa217d78400 end msg 918151
@400000006b02ec4600000000 new msg 918152
@400000006b02ec46000f4240 info msg 918152: bytes 1652 from <bob@example.com> qp 6103 uid 1002
@400000006b02ec46004c4b40 starting delivery 3: msg 918152 to local alice-work@example.com
@400000006b02ec46004c4b40 status: local 1/10 remote 0/20
@400000006b02ec46093d1cc0 delivery 3: success: did_1+1+0/qp_6104/
@400000006b02ec46093d1cc0 status: local 0/10 remote 0/20
@400000006b02ec4611e1a300 new msg 918153
@400000006b02ec4611f0e540 info msg 918153: bytes 1500 from <bob@example.com> qp 6104 uid 1001
@400000006b02ec461312d000 starting delivery 4: msg 918153 to remote alice@work.example.net
@400000006b02ec461312d000 status: local 0/10 remote 1/20
@400000006b02ec4617d78400 end msg 918152
@400000006b02ec470d1cef00 delivery 4: success: 192.0.2.80_accepted_message./Remote_host_said:_250_ok_1795353660_qp_3353/
@400000006b02ec470d1cef00 status: local 0/10 remote 0/20
@400000006b02ec4711e1a300 end msg 918153
@400000006b02edea00000000 new msg 918154
@400000006b02edea000f4240 info msg 918154: bytes 1654 from <frank@example.net> qp 6105 uid 7791
@400000006b02edea004c4b40 starting delivery 5: msg 918154 to local carol@example.com
@400000006b02edea004c4b40 status: local 1/10 remote 0/20
@400000006b02edea093d1cc0 delivery 5: success: did_1+1+0/qp_6106/
@400000006b02edea093d1cc0 status: local 0/10 remote 0/20
@400000006b02edea11e1a300 new msg 918155
@400000006b02edea11f0e540 info msg 918155: bytes 1500 from <frank@example.net> qp 6106 uid 1001
@400000006b02edea1312d000 starting delivery 6: msg 918155 to remote carol@example.net
@400000006b02edea1312d000 status: local 0/10 remote 1/20
@400000006b02edea17d78400 end msg 918154
@400000006b02edeb0d1cef00 delivery 6: success: 192.0.2.80_accepted_message./Remote_host_said:_250_ok_1795354080_qp_3355/
@400000006b02edeb0d1cef00 status: local 0/10 remote 0/20
@400000006b02edeb11e1a300 end msg 918155
@400000006b02ef8e00000000 new msg 918156
@400000006b02ef8e000f4240 info msg 918156: bytes 1656 from <erin@example.net> qp 6107 uid 7791
@400000006b02ef8e004c4b40 starting delivery 7: msg 918156 to local dave-vacation@example.com
@400000006b02ef8e004c4b40 status: local 1/10 remote 0/20
@400000006b02ef8e093d1cc0 delivery 7: success: did_1+0+1/
@400000006b02ef8e093d1cc0 status: local 0/10 remote 0/20
@400000006b02ef8e17d78400 end msg 918156
@400000006b02f13200000000 new msg 918157
@400000006b02f132000f4240 info msg 918157: bytes 1657 from <spam@spam.example> qp 6108 uid 7791
@400000006b02f132004c4b40 starting delivery 8: msg 918157 to local alice-spam@example.com
@400000006b02f132004c4b40 status: local 1/10 remote 0/20
@400000006b02f132093d1cc0 delivery 8: success: did_0+0+0/
@400000006b02f132093d1cc0 status: local 0/10 remote 0/20
@400000006b02f13217d78400 end msg 918157
@400000006b02f2d600000000 new msg 918158
@400000006b02f2d6000f4240 info msg 918158: bytes 1658 from <dave@example.net> qp 6109 uid 7791
@400000006b02f2d6004c4b40 starting delivery 9: msg 918158 to local bob@example.com
@400000006b02f2d6004c4b40 status: local 1/10 remote 0/20
@400000006b02f2d6093d1cc0 delivery 9: success: did_1+0+0/
@400000006b02f2d6093d1cc0 status: local 0/10 remote 0/20
@400000006b02f2d617d78400 end msg 918158
@400000006b02f78600000000 new msg 918159
@400000006b02f786000f4240 info msg 918159: bytes 2100 from <dave@example.net> qp 6110 uid 7791
@400000006b02f786004c4b40 starting delivery 10: msg 918159 to local bob-anything@example.com
@400000006b02f786004c4b40 status: local 1/10 remote 0/20
@400000006b02f786093d1cc0 delivery 10: failure: Sorry,_no_mailbox_here_by_that_name._(#5.1.1)/
@400000006b02f786093d1cc0 status: local 0/10 remote 0/20
@400000006b02f78611e1a300 bounce msg 918159 qp 6111
@400000006b02f78611f0e540 end msg 918159
@400000006b02f7861312d000 new msg 918160
@400000006b02f78613221240 info msg 918160: bytes 2900 from <> qp 6111 uid 7796
@400000006b02f78613ab6680 starting delivery 11: msg 918160 to remote dave@example.net
@400000006b02f78613ab6680 status: local 0/10 remote 1/20
@400000006b02f78707bfa480 delivery 11: success: 192.0.2.44_accepted_message./Remote_host_said:_250_ok_1795356540_qp_5112/
@400000006b02f78707bfa480 status: local 0/10 remote 0/20
@400000006b02f7870bebc200 end msg 918160
@400000006b02fe8e00000000 new msg 918161
@400000006b02fe8e000f4240 info msg 918161: bytes 1900 from <ghost@nowhere.example> qp 6112 uid 7791
@400000006b02fe8e004c4b40 starting delivery 12: msg 918161 to local bob-typo@example.com
@400000006b02fe8e004c4b40 status: local 1/10 remote 0/20
@400000006b02fe8e093d1cc0 delivery 12: failure: Sorry,_no_mailbox_here_by_that_name._(#5.1.1)/
@400000006b02fe8e093d1cc0 status: local 0/10 remote 0/20
@400000006b02fe8e11e1a300 bounce msg 918161 qp 6113
@400000006b02fe8e11f0e540 end msg 918161
@400000006b02fe8e1312d000 new msg 918162
@400000006b02fe8e13221240 info msg 918162: bytes 2700 from <> qp 6113 uid 7796
@400000006b02fe8e13ab6680 starting delivery 13: msg 918162 to remote ghost@nowhere.example
@400000006b02fe8e13ab6680 status: local 0/10 remote 1/20
@400000006b02fe9013ab6680 delivery 13: failure: Sorry,_I_couldn't_find_any_host_named_nowhere.example._(#5.1.2)/
@400000006b02fe9013ab6680 status: local 0/10 remote 0/20
@400000006b02fe901dcd6500 bounce msg 918162 qp 6114
@400000006b02fe901ddca740 end msg 918162
@400000006b02fe901efe9200 new msg 918163
@400000006b02fe901f0dd440 info msg 918163: bytes 3600 from <#@[]> qp 6114 uid 7796
@400000006b02fe901f972880 starting delivery 14: msg 918163 to local postmaster@mail.example.com
@400000006b02fe901f972880 status: local 1/10 remote 0/20
@400000006b02fe902887fa00 delivery 14: success: did_0+1+0/qp_6115/
@400000006b02fe902887fa00 status: local 0/10 remote 0/20
@400000006b02fe9032a9f880 new msg 918164
@400000006b02fe9032b93ac0 info msg 918164: bytes 3700 from <#@[]> qp 6115 uid 7790
@400000006b02fe9033428f00 starting delivery 15: msg 918164 to local alice@example.com
@400000006b02fe9033428f00 status: local 1/10 remote 0/20
@400000006b02fe9035a4e900 end msg 918163
@400000006b02fe9100989680 delivery 15: success: did_1+0+0/
@400000006b02fe9100989680 status: local 0/10 remote 0/20
@400000006b02fe910bebc200 end msg 918164
@400000006b0307ee00000000 new msg 918165
@400000006b0307ee000f4240 info msg 918165: bytes 5400 from <carol@example.com> qp 6116 uid 1003
@400000006b0307ee004c4b40 starting delivery 16: msg 918165 to remote grace@example.net
@400000006b0307ee004c4b40 status: local 0/10 remote 1/20
@400000006b030839004c4b40 delivery 16: deferral: Sorry,_I_wasn't_able_to_establish_an_SMTP_connection._(#4.4.1)/
@400000006b030839004c4b40 status: local 0/10 remote 0/20
@400000006b03097e00000000 starting delivery 17: msg 918165 to remote grace@example.net
@400000006b03097e00000000 status: local 0/10 remote 1/20
@400000006b0309c900000000 delivery 17: deferral: Sorry,_I_wasn't_able_to_establish_an_SMTP_connection._(#4.4.1)/
@400000006b0309c900000000 status: local 0/10 remote 0/20
@400000006b030e2e00000000 starting delivery 18: msg 918165 to remote grace@example.net
@400000006b030e2e00000000 status: local 0/10 remote 1/20
@400000006b030e7900000000 delivery 18: deferral: Sorry,_I_wasn't_able_to_establish_an_SMTP_connection._(#4.4.1)/
@400000006b030e7900000000 status: local 0/10 remote 0/20
@400000006b0315fe00000000 starting delivery 19: msg 918165 to remote grace@example.net
@400000006b0315fe00000000 status: local 0/10 remote 1/20
@400000006b03164900000000 delivery 19: deferral: Sorry,_I_wasn't_able_to_establish_an_SMTP_connection._(#4.4.1)/
@400000006b03164900000000 status: local 0/10 remote 0/20
@400000006b0320ee00000000 starting delivery 20: msg 918165 to remote grace@example.net
@400000006b0320ee00000000 status: local 0/10 remote 1/20
@400000006b03213900000000 delivery 20: deferral: Sorry,_I_wasn't_able_to_establish_an_SMTP_connection._(#4.4.1)/
@400000006b03213900000000 status: local 0/10 remote 0/20
@400000006b032efe00000000 starting delivery 21: msg 918165 to remote grace@example.net
@400000006b032efe00000000 status: local 0/10 remote 1/20
@400000006b032f4900000000 delivery 21: deferral: Sorry,_I_wasn't_able_to_establish_an_SMTP_connection._(#4.4.1)/
@400000006b032f4900000000 status: local 0/10 remote 0/20
@400000006b0336ce00000000 starting delivery 22: msg 918165 to remote grace@example.net
@400000006b0336ce00000000 status: local 0/10 remote 1/20
@400000006b0336cf1dcd6500 delivery 22: success: 192.0.2.61_accepted_message./Remote_host_said:_250_ok_1795360740_qp_8812/
@400000006b0336cf1dcd6500 status: local 0/10 remote 0/20
@400000006b03370a00000000 end msg 918165
@400000006b0341d200000000 new msg 918150
@400000006b0341d2000f4240 info msg 918150: bytes 1650 from <erin@example.net> qp 6117 uid 7791
@400000006b0341d2004c4b40 starting delivery 23: msg 918150 to local dave-xyz@example.com
@400000006b0341d2004c4b40 status: local 1/10 remote 0/20
@400000006b0341d2093d1cc0 delivery 23: success: did_1+0+0/
@400000006b0341d2093d1cc0 status: local 0/10 remote 0/20
@400000006b0341d217d78400 end msg 918150
@400000006b03ac3a00000000 new msg 918201
@400000006b03ac3a000f4240 info msg 918201: bytes 212 from <alice@example.com> qp 5000 uid 1001
@400000006b03ac3a004c4b40 starting delivery 24: msg 918201 to remote erin@example.net
@400000006b03ac3a004c4b40 status: local 0/10 remote 1/20
@400000006b03ac85004c4b40 delivery 24: deferral: Sorry,_I_wasn't_able_to_establish_an_SMTP_connection._(#4.4.1)/
@400000006b03ac85004c4b40 status: local 0/10 remote 0/20
@400000006b03adca00000000 starting delivery 25: msg 918201 to remote erin@example.net
@400000006b03adca00000000 status: local 0/10 remote 1/20
@400000006b03ae1500000000 delivery 25: deferral: Sorry,_I_wasn't_able_to_establish_an_SMTP_connection._(#4.4.1)/
@400000006b03ae1500000000 status: local 0/10 remote 0/20
@400000006b03b27a00000000 starting delivery 26: msg 918201 to remote erin@example.net
@400000006b03b27a00000000 status: local 0/10 remote 1/20
@400000006b03b2c500000000 delivery 26: deferral: Sorry,_I_wasn't_able_to_establish_an_SMTP_connection._(#4.4.1)/
@400000006b03b2c500000000 status: local 0/10 remote 0/20
@400000006b03ba4a00000000 starting delivery 27: msg 918201 to remote erin@example.net
@400000006b03ba4a00000000 status: local 0/10 remote 1/20
@400000006b03ba9500000000 delivery 27: deferral: Sorry,_I_wasn't_able_to_establish_an_SMTP_connection._(#4.4.1)/
@400000006b03ba9500000000 status: local 0/10 remote 0/20
@400000006b03c53a00000000 starting delivery 28: msg 918201 to remote erin@example.net
@400000006b03c53a00000000 status: local 0/10 remote 1/20
@400000006b03c58500000000 delivery 28: deferral: Sorry,_I_wasn't_able_to_establish_an_SMTP_connection._(#4.4.1)/
@400000006b03c58500000000 status: local 0/10 remote 0/20
@400000006b03c85a00000000 new msg 918202
@400000006b03c85a000f4240 info msg 918202: bytes 213 from <frank@example.net> qp 5041 uid 7791
@400000006b03c85a004c4b40 starting delivery 41: msg 918202 to local bob@example.com
@400000006b03c85a004c4b40 status: local 1/10 remote 0/20
@400000006b03c85a093d1cc0 delivery 41: deferral: Unable_to_switch_to_/home/bob:_file_does_not_exist._(#4.3.0)/
@400000006b03c85a093d1cc0 status: local 0/10 remote 0/20
@400000006b03c8be00000000 starting delivery 42: msg 918202 to local bob@example.com
@400000006b03c8be00000000 status: local 1/10 remote 0/20
@400000006b03c8be08f0d180 delivery 42: deferral: Unable_to_switch_to_/home/bob:_file_does_not_exist._(#4.3.0)/
@400000006b03c8be08f0d180 status: local 0/10 remote 0/20
@400000006b03c9ea00000000 starting delivery 43: msg 918202 to local bob@example.com
@400000006b03c9ea00000000 status: local 1/10 remote 0/20
@400000006b03c9ea08f0d180 delivery 43: deferral: Unable_to_switch_to_/home/bob:_file_does_not_exist._(#4.3.0)/
@400000006b03c9ea08f0d180 status: local 0/10 remote 0/20
@400000006b03cbde00000000 starting delivery 44: msg 918202 to local bob@example.com
@400000006b03cbde00000000 status: local 1/10 remote 0/20
@400000006b03cbde08f0d180 delivery 44: deferral: Unable_to_switch_to_/home/bob:_file_does_not_exist._(#4.3.0)/
@400000006b03cbde08f0d180 status: local 0/10 remote 0/20
@400000006b03ce9a00000000 starting delivery 45: msg 918202 to local bob@example.com
@400000006b03ce9a00000000 status: local 1/10 remote 0/20
@400000006b03ce9a08f0d180 delivery 45: deferral: Unable_to_switch_to_/home/bob:_file_does_not_exist._(#4.3.0)/
@400000006b03ce9a08f0d180 status: local 0/10 remote 0/20
@400000006b03d21e00000000 starting delivery 46: msg 918202 to local bob@example.com
@400000006b03d21e00000000 status: local 1/10 remote 0/20
@400000006b03d21e08f0d180 delivery 46: deferral: Unable_to_switch_to_/home/bob:_file_does_not_exist._(#4.3.0)/
@400000006b03d21e08f0d180 status: local 0/10 remote 0/20
@400000006b03d34a00000000 starting delivery 29: msg 918201 to remote erin@example.net
@400000006b03d34a00000000 status: local 0/10 remote 1/20
@400000006b03d39500000000 delivery 29: deferral: Sorry,_I_wasn't_able_to_establish_an_SMTP_connection._(#4.4.1)/
@400000006b03d39500000000 status: local 0/10 remote 0/20
@400000006b03d66a00000000 starting delivery 47: msg 918202 to local bob@example.com
@400000006b03d66a00000000 status: local 1/10 remote 0/20
@400000006b03d66a08f0d180 delivery 47: deferral: Unable_to_switch_to_/home/bob:_file_does_not_exist._(#4.3.0)/
@400000006b03d66a08f0d180 status: local 0/10 remote 0/20
@400000006b03db7e00000000 starting delivery 48: msg 918202 to local bob@example.com
@400000006b03db7e00000000 status: local 1/10 remote 0/20
@400000006b03db7e08f0d180 delivery 48: deferral: Unable_to_switch_to_/home/bob:_file_does_not_exist._(#4.3.0)/
@400000006b03db7e08f0d180 status: local 0/10 remote 0/20
@400000006b03e15a00000000 starting delivery 49: msg 918202 to local bob@example.com
@400000006b03e15a00000000 status: local 1/10 remote 0/20
@400000006b03e15a08f0d180 delivery 49: deferral: Unable_to_switch_to_/home/bob:_file_does_not_exist._(#4.3.0)/
